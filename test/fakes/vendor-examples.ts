/**
 * Microsoft's documented examples (test/fixtures/microsoft, sources in its README), and the check
 * that a stand-in sends the fields the bot reads with the same JSON types as the documentation.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export type Json = Record<string, unknown>;

export const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/microsoft/${name}.json`, import.meta.url), 'utf8')) as Json;

/** The JSON type at a dotted path (array indexes are keys too): what the bot's parser sees there. */
export function kindAt(value: unknown, path: string): string {
  const found = path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Json)[key] : undefined), value);
  return found === null ? 'null' : Array.isArray(found) ? 'array' : typeof found;
}

/**
 * Every path the documented example has, with its JSON type, next to the stand-in's. A path the
 * example leaves out is not compared: the example may be shortened, and the bot tolerates it.
 */
export function expectSameShape(standIn: unknown, documented: unknown, paths: string[]) {
  const present = paths.filter((path) => kindAt(documented, path) !== 'undefined');
  expect(present.length).toBeGreaterThan(0);
  const shape = (value: unknown) => Object.fromEntries(present.map((path) => [path, kindAt(value, path)]));
  expect(shape(standIn)).toEqual(shape(documented));
}

export const first = (page: Json, key: 'value' | 'items') => (page[key] as Json[])[0];
