/** Reading and checking a bulk invitation's lines: every problem with its line, nothing half read. */
import { describe, expect, it } from 'vitest';
import { checkLines, csvText, BATCH_MAX_LINES } from '../../../bot/service/bulk-lines.js';

const providers = [{ id: 'p1', name: 'Contoso Distribution', tenantId: null, createdAt: '2026-01-01T00:00:00.000Z' }];
const check = (text: string, pending: string[] = []) => checkLines(text, { providers, pendingEmails: new Set(pending) });
const keys = (text: string, pending: string[] = []) => check(text, pending).problems.map((p) => `${p.line}:${p.key}`);

describe('bulk invitation lines', () => {
  it('reads company, email, language and provider, skipping a header row and empty lines', () => {
    const { lines, problems } = check(
      'Company,Email,Language,Provider\n\nContoso Ltd, ada@contoso.example\n"Fabrikam, Srl",it@fabrikam.example,IT,contoso distribution\n',
    );
    expect(problems).toEqual([]);
    expect(lines).toEqual([
      { line: 3, companyName: 'Contoso Ltd', customerEmail: 'ada@contoso.example', language: null, providerId: null },
      { line: 4, companyName: 'Fabrikam, Srl', customerEmail: 'it@fabrikam.example', language: 'it', providerId: 'p1' },
    ]);
  });

  it('takes semicolons, as a spreadsheet in Italian saves them, and a provider after an empty language', () => {
    expect(check('Azienda;Email\nRossi Srl;info@rossi.example;;Contoso Distribution\n').lines).toEqual([
      { line: 2, companyName: 'Rossi Srl', customerEmail: 'info@rossi.example', language: null, providerId: 'p1' },
    ]);
  });

  it('names every problem with its line', () => {
    const text = [
      'Contoso, ada@contoso.example',
      ', nobody@nowhere.example',
      'Adatum',
      'Litware, not-an-email',
      'Tailspin, ADA@contoso.example',
      'Northwind, nw@northwind.example, fr',
      'Globex, g@globex.example, Globex Distribution',
      'Initech, i@initech.example, en, Nobody',
      '-1, x@y.example',
      'Umbrella, @evil',
      'Hooli, h@hooli.example, en, , extra',
      'Waiting, w@waiting.example',
    ].join('\n');
    expect(keys(text, ['w@waiting.example'])).toEqual([
      '2:bulk.noCompany',
      '3:bulk.noEmail',
      '4:bulk.badEmail',
      '5:bulk.duplicate',
      '6:bulk.badLanguageOrProvider',
      '7:bulk.badLanguageOrProvider',
      '8:bulk.unknownProvider',
      '9:bulk.formula',
      '10:bulk.formula',
      '11:bulk.tooManyCells',
      '12:bulk.alreadyInvited',
    ]);
  });

  it('refuses more than 500 lines, and an empty text, as one sentence', () => {
    const many = Array.from({ length: BATCH_MAX_LINES + 1 }, (_, i) => `C${i}, c${i}@c.example`).join('\n');
    expect(check(many).problems).toEqual([{ line: 0, key: 'bulk.tooMany', params: { count: 501, max: 500 } }]);
    expect(check(Array.from({ length: BATCH_MAX_LINES }, (_, i) => `C${i}, c${i}@c.example`).join('\n')).lines).toHaveLength(500);
    expect(keys(' \n\n')).toEqual(['0:bulk.empty']);
  });

  it('tells text from bytes that are not (a spreadsheet, an image, a stray encoding)', () => {
    expect(csvText(Buffer.from('\ufeffContoso, ada@contoso.example'))).toBe('Contoso, ada@contoso.example');
    expect(csvText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toBeNull();
    expect(csvText(Buffer.from([0x43, 0xff, 0xfe]))).toBeNull();
  });
});
