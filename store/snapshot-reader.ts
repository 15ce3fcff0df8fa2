/**
 * Reads the snapshot one record at a time. The file is one JSON object whose big members are
 * arrays of records (durable-file.ts writes it so); parsing it whole would hold every record twice
 * over (the parsed tree and the checked copies) at the peak of the start. Here a scan finds where
 * each member and each array element lies, and each element is parsed, checked and handed on
 * before the next, so only the records the store keeps stay. Every byte is still checked: the
 * scan checks the structure between the elements, JSON.parse each element and each other member.
 */

/** Where a value lies in the file: bytes `start` to `end` (exclusive). */
export interface Span {
  start: number;
  end: number;
}

/** What the scan found wrong, as JSON.parse would say it. */
export class SnapshotSyntaxError extends Error {
  override readonly name = 'SnapshotSyntaxError';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function fail(what: string, at: number): never {
  throw new SnapshotSyntaxError(`${what} at byte ${at}`);
}

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** `b[i]` opens a string: the index just after its closing quote. */
function endOfString(b: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const quote = b.indexOf(QUOTE, from);
    if (quote < 0) fail('Unterminated string', i);
    let backslashes = 0;
    for (let k = quote - 1; b[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index just after the value that starts at `i` (its inside is checked by JSON.parse later). */
function endOfValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return endOfString(b, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < b.length;) {
      const d = b[j]!;
      if (d === QUOTE) {
        j = endOfString(b, j);
        continue;
      }
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    fail('Unexpected end of JSON input', b.length);
  }
  let j = i;
  while (j < b.length && b[j] !== COMMA && b[j] !== CLOSE_OBJECT && b[j] !== CLOSE_ARRAY && !isSpace(b[j])) j++;
  if (j === i) fail(i < b.length ? 'Unexpected token' : 'Unexpected end of JSON input', i);
  return j;
}

/** The members of the top-level object, in file order, with where each value lies. */
export function topLevelMembers(b: Buffer): Array<{ key: string; value: Span }> {
  const members: Array<{ key: string; value: Span }> = [];
  let i = skipSpace(b, 0);
  if (b[i] !== OPEN_OBJECT) fail(i < b.length ? 'Expected an object' : 'Unexpected end of JSON input', i);
  i = skipSpace(b, i + 1);
  if (b[i] === CLOSE_OBJECT) i++;
  else {
    for (;;) {
      if (b[i] !== QUOTE) fail('Expected a property name', i);
      const keyEnd = endOfString(b, i);
      const key = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
      i = skipSpace(b, keyEnd);
      if (b[i] !== COLON) fail("Expected ':'", i);
      const start = skipSpace(b, i + 1);
      const end = endOfValue(b, start);
      members.push({ key, value: { start, end } });
      i = skipSpace(b, end);
      if (b[i] === COMMA) {
        i = skipSpace(b, i + 1);
        continue;
      }
      if (b[i] === CLOSE_OBJECT) {
        i++;
        break;
      }
      fail(i < b.length ? "Expected ',' or '}'" : 'Unexpected end of JSON input', i);
    }
  }
  if (skipSpace(b, i) !== b.length) fail('Unexpected non-whitespace character after JSON', i);
  return members;
}

export const isArraySpan = (b: Buffer, span: Span) => b[span.start] === OPEN_ARRAY;

/** The elements of the array at `span`, in order. */
export function* arrayElements(b: Buffer, span: Span): Generator<Span> {
  let i = skipSpace(b, span.start + 1);
  if (b[i] === CLOSE_ARRAY) return;
  for (;;) {
    const end = endOfValue(b, i);
    yield { start: i, end };
    i = skipSpace(b, end);
    if (b[i] === COMMA) {
      i = skipSpace(b, i + 1);
      continue;
    }
    if (b[i] === CLOSE_ARRAY && i === span.end - 1) return;
    fail("Expected ',' or ']'", i);
  }
}

/** The value at `span`, parsed (a SyntaxError when it is not JSON). */
export function parseSpan(b: Buffer, span: Span): unknown {
  return JSON.parse(b.toString('utf8', span.start, span.end));
}
