/**
 * CSV that a spreadsheet opens safely: RFC 4180 quoting, CRLF line ends, UTF-8 with a byte order
 * mark (so Excel reads accents right), and no cell that a spreadsheet would run as a formula.
 */

/** What a spreadsheet may read as the start of a formula or a command (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const BOM = '\uFEFF';

/**
 * One cell as it goes in the file. A cell that starts like a formula gets a single quote in front,
 * so Excel and LibreOffice show it as text; the cell is then quoted where RFC 4180 asks (the
 * separator, a double quote or a line break in it).
 */
export function csvCell(value: string | number | boolean | null | undefined, separator: string): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The whole file: a header row, then the rows, as UTF-8 bytes with a BOM. */
export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number | boolean | null)[]>, separator: string): Buffer {
  const line = (cells: readonly (string | number | boolean | null)[]) => cells.map((c) => csvCell(c, separator)).join(separator);
  const lines = [line(header)];
  for (const row of rows) lines.push(line(row));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
