/**
 * The attestation is a legal text, and the audit records only its version: a text attested under
 * a version must never change under it. Each language's text is pinned by its SHA-256; changing a
 * word means a new ATTESTATION_VERSION (and new hashes here), so history keeps meaning what it said.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ATTESTATION_VERSION, attestationText } from '../../../bot/service/attestation.js';

const PINNED: Record<string, Record<'en' | 'it', string>> = {
  '2026-11-01': {
    en: 'a9c94b7d66a29692ac22294e56474428473fb3e12aeca1d70da6c0a37ba6e04a',
    it: '6567c21fbe96cedb7ac59f13914cc3f71417acd29c8a51abc8d4b8f9e28aa95a',
  },
};

describe('the removal attestation', () => {
  it('is exactly the text pinned for its version, in each language', () => {
    expect(PINNED[ATTESTATION_VERSION], `pin the hashes of version ${ATTESTATION_VERSION}`).toBeDefined();
    for (const locale of ['en', 'it'] as const) {
      const text = attestationText(locale);
      expect(text).toMatchObject({ version: ATTESTATION_VERSION, locale });
      for (const part of [text.title, text.dapNotice, text.legalNotice, text.confirmLabel, ...text.statements])
        expect(part.trim().length).toBeGreaterThan(3);
      expect(text.statements).toHaveLength(3);
      expect(createHash('sha256').update(JSON.stringify(text)).digest('hex'), locale).toBe(PINNED[ATTESTATION_VERSION]![locale]);
    }
  });
});
