/**
 * The Italian catalogue reads as one voice per audience (i18n/GLOSSARY.md): customers are
 * addressed with the formal plural (voi) throughout, staff with tu throughout, and no message
 * mixes the two; Partner Center's terms are used, never the words the glossary rules out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it as test } from 'vitest';
import { it } from '../../i18n/it.js';
import type { Message } from '../../i18n/catalogue.js';

const CUSTOMER_FACING = /^(email\.|web\.|accept\.|invitation\.unknownLink$|invitation\.acceptAtMicrosoft$)/;

/** Forms that can only be the second person singular (tu), or only the plural (voi). */
const TU = /\b(ti|tu|tuo|tua|tuoi|tue|te|inserisci|correggi|chiedi|apri|leggi|scrivi|scegli|ricarica|hai|sei|puoi|devi|vuoi|riceverai|mandarti|inviarti)\b/i;
const VOI = /\b(vi|voi|vostro|vostra|vostri|vostre|inserite|correggete|chiedete|aprite|leggete|scrivete|scegliete|ricaricate|avete|siete|potete|dovete|volete|riceverete|inviarvi|inviarvene)\b/i;

const texts = (message: Message): string[] => (typeof message === 'string' ? [message] : [message.one, message.other]);
/** What a person reads: code spans (commands to type) and placeholders are not prose. */
const prose = (text: string) => text.replace(/`[^`]*`/g, ' ').replace(/\{\w+\}/g, ' ');
const entries = Object.entries(it).flatMap(([key, message]) => texts(message).map((text) => [key, prose(text)] as const));

function forbiddenTerms(): string[] {
  const glossary = readFileSync(new URL('../../i18n/GLOSSARY.md', import.meta.url), 'utf8');
  const terms = glossary.slice(glossary.indexOf('## Terms'));
  return terms
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*(English|---)/.test(line))
    .flatMap((line) => (line.split('|')[3] ?? '').split(','))
    .map((term) => term.trim())
    .filter(Boolean);
}

describe('the Italian catalogue', () => {
  test('never mixes tu and voi inside one message', () => {
    const mixed = entries.filter(([, text]) => TU.test(text) && VOI.test(text)).map(([key, text]) => `${key}: ${text}`);
    expect(mixed).toEqual([]);
  });

  test('addresses the customer as voi in every customer-facing text', () => {
    const customer = entries.filter(([key]) => CUSTOMER_FACING.test(key));
    expect(customer.length).toBeGreaterThan(20);
    expect(customer.filter(([, text]) => TU.test(text)).map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  test('addresses the staff as tu everywhere else', () => {
    const staff = entries.filter(([key]) => !CUSTOMER_FACING.test(key));
    expect(staff.filter(([, text]) => VOI.test(text)).map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  test("uses Partner Center's terms, never the ones the glossary rules out", () => {
    const forbidden = forbiddenTerms();
    expect(forbidden).toContain('abbonamento');
    const found = entries.flatMap(([key, text]) => forbidden.filter((term) => new RegExp(`\\b${term}\\b`, 'i').test(text)).map((term) => `${key}: "${term}"`));
    expect(found).toEqual([]);
  });

  test('catches a mixed text, a tu in a customer text and a ruled-out term (planted)', () => {
    expect(TU.test(prose('{partner} ti invita a entrare nella vostra organizzazione')) && VOI.test(prose('{partner} ti invita a entrare nella vostra organizzazione'))).toBe(true);
    expect(TU.test(prose('Inserisci il nome della tua azienda'))).toBe(true);
    expect(VOI.test(prose('Scrivi `aiuto` per vedere i comandi'))).toBe(false);
    expect(forbiddenTerms().some((term) => new RegExp(`\\b${term}\\b`, 'i').test('I tuoi abbonamenti attivi'))).toBe(true);
  });
});
