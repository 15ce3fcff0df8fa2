import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expanderOf, renderAdaptiveCard, templateInput } from '../../../render/teams/adaptive.js';
import { compileTemplate } from '../../../render/teams/compiled-template.js';
import { escapeCardText } from '../../../render/teams/teams-text.js';
import { placeNaming } from '../../../render/teams/mention.js';
import { sampleViews } from '../../../views/samples.js';
import type { View } from '../../../views/index.js';
import { runSeed } from '../../seed.js';

const views: Array<[string, View]> = (['en', 'it'] as const).flatMap((locale) =>
  Object.entries(sampleViews(locale)).map(([name, view]) => [`${name} (${locale})`, view] as [string, View]),
);

/** JSON round trip: what goes on the wire (drops undefined, as serialisation does). */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('compiled templates', () => {
  it('compiles every card template (none falls back to the slow path)', () => {
    for (const [name, view] of views) expect(compileTemplate(templateInput(view).source), name).not.toBeNull();
  });

  for (const [name, view] of views) {
    it(`expands the ${name} card exactly as adaptivecards-templating does`, () => {
      const { source, model } = templateInput(view);
      expect(wire(compileTemplate(source)!(model))).toEqual(wire(expanderOf(source)(model)));
      const reference = expanderOf(source)(model) as Record<string, unknown>;
      escapeCardText(reference);
      // The acceptance's inviter becomes a Teams mention after the escaping, as the renderer does.
      if (view.kind === 'accepted') placeNaming(reference, 'invitedBy', view.invitedBy);
      expect(wire(renderAdaptiveCard(view))).toEqual(wire(reference));
    });
  }

  it('agrees with adaptivecards-templating on models with values missing, null, empty or of another type', () => {
    const seed = runSeed('compiled templates: models with values missing');
    const blank = fc.constantFrom(null, undefined, '', [], 0, 'text', { title: 'x' }, [{ title: 't', value: 'v' }], true);
    fc.assert(
      fc.property(fc.constantFrom(...views), fc.array(fc.tuple(fc.nat(), blank), { maxLength: 6 }), ([, view], changes) => {
        const { source, model } = templateInput(view);
        const keys = Object.keys(model);
        const changed: Record<string, unknown> = { ...model };
        for (const [index, value] of changes) changed[keys[index % keys.length]!] = value;
        let expected: unknown;
        try {
          expected = wire(expanderOf(source)(changed));
        } catch (crash) {
          // The library itself crashes on some of these models (a TypeError reading `toString` of
          // null inside its expression engine); the compiled expander must still give a card.
          expect(String(crash)).toMatch(/TypeError/);
          expect(compileTemplate(source)!(changed)).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
          return;
        }
        expect(wire(compileTemplate(source)!(changed))).toEqual(expected);
      }),
      { numRuns: 1000, seed },
    );
  });
});
