/**
 * Every message says the same things in English and Italian: the `{name}` placeholders that t()
 * fills in (i18n/catalogue.ts) are the same in both, so no value goes missing in one language and
 * no placeholder is left showing as `{name}` in the other. A plural message is plural in both, its
 * `other` forms hold the same placeholders, and its `one` forms too, except that a `one` form may
 * spell out the number instead of saying `{count}` ("1 customer", "un cliente").
 */
import { describe, expect, it as test } from 'vitest';
import type { Message } from '../../i18n/catalogue.js';
import { en } from '../../i18n/en.js';
import { it } from '../../i18n/it.js';

type Catalogue = Record<string, Message>;

/** The placeholder names in `text`, as t() finds them. */
const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();

function compare(key: string, form: string, english: string, italian: string, optional: string[] = []): string[] {
  const [a, b] = [placeholders(english), placeholders(italian)].map((names) => names.filter((n) => !optional.includes(n)));
  if (a!.join() === b!.join()) return [];
  const where = form ? `${key} (${form})` : key;
  return [`${where}: English has {${placeholders(english).join('}, {')}}, Italian has {${placeholders(italian).join('}, {')}}`];
}

/** One line for each message whose placeholders (or whose plural forms) differ between the two. */
function placeholderMismatches(english: Catalogue, italian: Catalogue): string[] {
  const found: string[] = [];
  for (const key of new Set([...Object.keys(english), ...Object.keys(italian)])) {
    const [a, b] = [english[key], italian[key]];
    if (a === undefined || b === undefined) {
      found.push(`${key}: only in ${a === undefined ? 'Italian' : 'English'}`);
    } else if (typeof a === 'string' && typeof b === 'string') {
      found.push(...compare(key, '', a, b));
    } else if (typeof a === 'string' || typeof b === 'string') {
      found.push(`${key}: plural in ${typeof a === 'string' ? 'Italian' : 'English'} only`);
    } else {
      found.push(...compare(key, 'other', a.other, b.other), ...compare(key, 'one', a.one, b.one, ['count']));
    }
  }
  return found;
}

describe('en/it placeholder parity', () => {
  test('every message has the same placeholders in English and Italian', () => {
    expect(Object.keys(en).length).toBeGreaterThan(100);
    expect(placeholderMismatches(en, it)).toEqual([]);
  });

  test('catches a placeholder renamed, dropped or added, a plural made singular, and a missing key (planted)', () => {
    const english: Catalogue = {
      'a.same': 'Hello {name}, {count} left.',
      'a.renamed': '{company} accepted.',
      'a.dropped': '{company} accepted {when}.',
      'a.added': 'Accepted.',
      'a.plural': { one: '1 customer of {partner}', other: '{count} customers of {partner}' },
      'a.pluralOther': { one: '1 user', other: '{count} users' },
      'a.pluralOne': { one: '1 user at {company}', other: '{count} users at {company}' },
      'a.singular': { one: '1 user', other: '{count} users' },
      'a.englishOnly': 'Bye.',
    };
    const italian: Catalogue = {
      'a.same': '{count} rimasti, ciao {name}.',
      'a.renamed': '{azienda} ha accettato.',
      'a.dropped': '{company} ha accettato.',
      'a.added': '{company} ha accettato.',
      'a.plural': { one: 'un cliente di {partner}', other: '{count} clienti di {partner}' },
      'a.pluralOther': { one: '1 utente', other: 'molti utenti' },
      'a.pluralOne': { one: '1 utente', other: '{count} utenti presso {company}' },
      'a.singular': '{count} utenti',
      'a.italianOnly': 'Ciao.',
    };
    expect(placeholderMismatches(english, italian)).toEqual([
      'a.renamed: English has {company}, Italian has {azienda}',
      'a.dropped: English has {company}, {when}, Italian has {company}',
      'a.added: English has {}, Italian has {company}',
      'a.pluralOther (other): English has {count}, Italian has {}',
      'a.pluralOne (one): English has {company}, Italian has {}',
      'a.singular: plural in English only',
      'a.englishOnly: only in English',
      'a.italianOnly: only in Italian',
    ]);
  });
});
