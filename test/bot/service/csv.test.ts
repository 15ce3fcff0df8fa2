/** CSV cells as a spreadsheet reads them: RFC 4180 quoting, and nothing that starts like a formula left to run. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../bot/service/csv.js';

describe('CSV', () => {
  it('puts a single quote before every cell that starts with = + - @, a tab or a carriage return', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`, ',').replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("https://evil.example","x")', ',')).toBe(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(csvCell('Contoso = good', ',')).toBe('Contoso = good');
    expect(csvCell("'already quoted", ',')).toBe("'already quoted");
  });

  it('quotes a cell holding the separator, a double quote or a line break, and only then', () => {
    expect(csvCell('Rossi, Bianchi & C.', ',')).toBe('"Rossi, Bianchi & C."');
    expect(csvCell('Rossi, Bianchi & C.', ';')).toBe('Rossi, Bianchi & C.');
    expect(csvCell('Rossi; Bianchi', ';')).toBe('"Rossi; Bianchi"');
    expect(csvCell('say "hi"', ',')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines', ',')).toBe('"two\nlines"');
    expect(csvCell(null, ',')).toBe('');
    expect(csvCell(42, ',')).toBe('42');
  });

  it('writes UTF-8 with a BOM, CRLF line ends, a header row, and reads back as it was meant', () => {
    const bytes = toCsv(
      ['Azienda', 'Città'],
      [
        ['Società "Alfa"; S.p.A.', '=Roma'],
        ['Beta', null],
      ],
      ';',
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe('\uFEFFAzienda;Città\r\n"Società ""Alfa""; S.p.A.";\'=Roma\r\nBeta;\r\n');
    expect(parse(bytes, { bom: true, delimiter: ';' })).toEqual([
      ['Azienda', 'Città'],
      ['Società "Alfa"; S.p.A.', "'=Roma"],
      ['Beta', ''],
    ]);
  });
});
