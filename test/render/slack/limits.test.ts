import { describe, expect, it } from 'vitest';
import { clip, withinLimits } from '../../../render/slack/limits.js';
import { blockKitProblems } from '../../fakes/platform-limits.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Block Kit limits', () => {
  it('keeps the first blocks, says in the reader language that the rest was left out, and keeps the buttons', () => {
    const actions = {
      type: 'actions',
      elements: Array.from({ length: 30 }, (_, i) => ({
        type: 'button',
        action_id: `csp:x:${i}`,
        text: { type: 'plain_text', text: 'Go' },
      })),
    };
    for (const [locale, sentence] of [
      ['en', 'Part of this message was left out'],
      ['it', 'Una parte di questo messaggio è stata omessa'],
    ] as const) {
      const blocks = withinLimits([...Array.from({ length: 70 }, (_, i) => section(`row ${i}`)), actions], 50, locale);
      expect(blocks).toHaveLength(50);
      expect(blocks[47]).toEqual(section('row 47'));
      expect(JSON.stringify(blocks[48])).toContain(sentence);
      expect(blocks[49]).toMatchObject({ type: 'actions' });
      expect(blockKitProblems({ blocks }, false)).toEqual([]);
    }
  });

  it('clips texts and counts inside blocks: section text, fields, header', () => {
    const blocks = withinLimits(
      [
        { type: 'header', text: { type: 'plain_text', text: 'H'.repeat(400) } },
        section('x'.repeat(5000)),
        { type: 'section', fields: Array.from({ length: 14 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2500) })) },
      ],
      50,
      'en',
    );
    expect(blockKitProblems({ blocks }, false)).toEqual([]);
    expect((blocks[1]!.text as { text: string }).text).toMatch(/x…$/);
  });

  it('never cuts an escaped character in half', () => {
    expect(clip(`${'a'.repeat(8)}&amp;b`, 11)).toBe(`${'a'.repeat(8)}…`);
    expect(clip('short', 10)).toBe('short');
  });
});
