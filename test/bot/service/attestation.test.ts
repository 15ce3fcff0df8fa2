/**
 * The attestation is a legal text, and the audit records only its version: a text attested under
 * a version must never change under it. Each language's text is pinned by its SHA-256; changing a
 * word means a new ATTESTATION_VERSION (and new hashes here), so history keeps meaning what it said.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ATTESTATION_VERSION, attestationText } from '../../../bot/service/attestation.js';

const PINNED: Record<string, Record<'en' | 'it', string>> = {
  '2026-12-07': {
    en: 'fdf0f79955ccfe7ae5ed8c4bc4459fadaa9dd1e2635296c71c3695172df621c7',
    it: 'c50db4cf641e54c6c6cbaffd575509a2b5629057b0281ef02c9ec45f0a339baf',
  },
};

describe('the removal attestation', () => {
  it('is exactly the text pinned for its version, in each language', () => {
    expect(PINNED[ATTESTATION_VERSION], `pin the hashes of version ${ATTESTATION_VERSION}`).toBeDefined();
    for (const locale of ['en', 'it'] as const) {
      const text = attestationText(locale);
      expect(text).toMatchObject({ version: ATTESTATION_VERSION, locale });
      for (const part of [text.title, text.statement, text.dapNotice, text.legalNotice, text.confirmLabel])
        expect(part.trim().length).toBeGreaterThan(3);
      expect(createHash('sha256').update(JSON.stringify(text)).digest('hex'), locale).toBe(PINNED[ATTESTATION_VERSION]![locale]);
    }
  });

  // Partner Center's representation, clause by clause: a paraphrase that narrows or widens any of
  // them (as "hold Microsoft harmless from any claim arising from this removal" did) fails here.
  it.each([
    ['en', ['in good faith', 'for a legitimate business purpose', 'in accordance with our agreement with our customer or partner', 'defend and hold Microsoft harmless from and against any third-party claims to the contrary']],
    ['it', ['in buona fede', 'per uno scopo aziendale legittimo', 'in conformità con il nostro accordo con il cliente o partner', 'difendere e sollevare Microsoft da qualsiasi responsabilità in caso di reclami da parte di terzi']],
  ] as const)('states every clause of Partner Center\'s representation, once, in %s', (locale, clauses) => {
    const text = attestationText(locale);
    for (const clause of clauses) expect(text.statement).toContain(clause);
    // The control confirms the statement; it never restates it in other words.
    expect(text.confirmLabel).not.toMatch(/harmless|manlev|sollevare|buona fede|good faith/i);
    expect(text.confirmLabel.length).toBeLessThan(60);
  });
});
