/**
 * The compiled Adaptive Card templates (render/teams/compiled-template.ts) on templates written
 * for the purpose, each checked against adaptivecards-templating itself: text around and between
 * expressions, `$root` and `$data`, negation, `$when`, arrays bound with `$data`, values missing;
 * and templates that use more of the language than it supports, which fall back (null).
 */
import { describe, expect, it } from 'vitest';
import { expanderOf } from '../../../render/teams/adaptive.js';
import { compileTemplate } from '../../../render/teams/compiled-template.js';

const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
/** The compiled expansion and the library's, of `template` with `model`. */
const both = (template: object, model: object) => ({
  compiled: wire(compileTemplate(template)!(model)),
  library: wire(expanderOf(template)(model)),
});

const MODEL = {
  name: 'Contoso',
  count: 2,
  flag: false,
  items: [{ title: 'a' }, { title: 'b' }],
  nested: { deep: { value: 'x' } },
  none: null,
};

describe('compiled templates on the language they support', () => {
  it('expands text around and between expressions, paths into objects and arrays, and $root from inside an array', () => {
    const template = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'Hello ${name}, you have ${count} items!' },
        { type: 'TextBlock', text: '${nested.deep.value}' },
        { type: 'TextBlock', text: '${items[1].title} of ${$root.name}' },
        { type: 'Container', items: [{ $data: '${items}', type: 'TextBlock', text: '${title} for ${$root.name}' }] },
      ],
    };
    const { compiled, library } = both(template, MODEL);
    expect(compiled).toEqual(library);
    expect(JSON.stringify(compiled)).toContain('Hello Contoso, you have 2 items!');
  });

  it('keeps the text of a value that is missing inside a string, as the library does, and drops a whole-value one', () => {
    const template = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'Dear ${missing.name}' },
        { type: 'TextBlock', text: '${missing}' },
      ],
    };
    const { compiled, library } = both(template, MODEL);
    expect(compiled).toEqual(library);
  });

  it('shows an element only $when its condition holds, negations and counts included', () => {
    const template = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'flag', $when: '${flag}' },
        { type: 'TextBlock', text: 'not flag', $when: '${!flag}' },
        { type: 'TextBlock', text: 'no none', $when: '${!none}' },
        { type: 'TextBlock', text: 'a name', $when: '${!name}' },
        { type: 'TextBlock', text: 'has items', $when: '${count(items) > 0}' },
      ],
    };
    const { compiled, library } = both(template, MODEL);
    expect(compiled).toEqual(library);
    expect(JSON.stringify(compiled)).toContain('not flag');
    expect(JSON.stringify(compiled)).not.toContain('"a name"');
  });
});

describe('compiled templates on more than they support', () => {
  it.each([
    ['a function call', '${if(flag, "a", "b")}'],
    ['arithmetic', '${count + 1}'],
    ['a path that starts with a number', '${1abc}'],
    ['an unclosed expression inside text', 'Dear ${name'],
    ['a $when that is no expression', { $when: 'always' }],
  ] as const)('falls back on %s', (_, text) => {
    const element = typeof text === 'string' ? { type: 'TextBlock', text } : { type: 'TextBlock', text: 'x', ...text };
    expect(compileTemplate({ type: 'AdaptiveCard', body: [element] })).toBeNull();
  });
});
