/** GDAP roles and durations in words (i18n/gdap-words.ts), and the catalogue's fallbacks (i18n/catalogue.ts). */
import { describe, expect, it } from 'vitest';
import { t, tAround, type MessageKey } from '../../i18n/catalogue.js';
import { entraRoleNames, formatEntraRoles, formatGdapDuration } from '../../i18n/gdap-words.js';

const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const LICENSE_ADMIN = '4d6ac14f-3453-41d0-bef9-a3e0c569773a';
const UNKNOWN = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];

describe('GDAP words', () => {
  it('names the roles it knows, whatever the case of their ids, and counts the others without showing an id', () => {
    expect(entraRoleNames('en', [DIRECTORY_READERS.toUpperCase(), UNKNOWN[0]!])).toEqual({ names: ['Directory Readers'], unnamed: 1 });
    expect(formatEntraRoles('en', [DIRECTORY_READERS, LICENSE_ADMIN])).toBe('Directory Readers and License Administrator');
    expect(formatEntraRoles('en', [DIRECTORY_READERS, UNKNOWN[0]!])).toBe('Directory Readers and 1 other role');
    expect(formatEntraRoles('en', [LICENSE_ADMIN, ...UNKNOWN])).toBe('License Administrator and 2 other roles');
    expect(formatEntraRoles('it', [LICENSE_ADMIN, UNKNOWN[0]!])).toBe('Amministratore licenze e un altro ruolo');
    expect(formatEntraRoles('it', UNKNOWN)).toBe('altri 2 ruoli');
  });

  it('says whole years as years and anything else as days, singular and plural, in both languages', () => {
    expect([365, 730, 1, 90].map((d) => formatGdapDuration('en', d))).toEqual(['1 year', '2 years', '1 day', '90 days']);
    expect([365, 730, 1, 90].map((d) => formatGdapDuration('it', d))).toEqual(['1 anno', '2 anni', '1 giorno', '90 giorni']);
  });
});

describe('catalogue fallbacks', () => {
  it('shows a key missing from every catalogue as itself, whole or split', () => {
    const missing = 'no.such.message' as MessageKey;
    expect(t('it', missing)).toBe('no.such.message');
    expect(tAround('en', missing, 'name')).toEqual(['no.such.message', '']);
  });

  it('splits a message where its slot goes, and keeps it whole when it has no such slot', () => {
    expect(tAround('en', 'ui.list.count', 'nothing', { count: 3 })).toEqual(['3 customers', '']);
  });

  it("picks a plural message's form from its count, in each language", () => {
    expect([1, 2].map((count) => t('en', 'ui.list.count', { count }))).toEqual(['1 customer', '2 customers']);
    expect([1, 0].map((count) => t('it', 'ui.list.count', { count }))).toEqual(['1 cliente', '0 clienti']);
  });
});
