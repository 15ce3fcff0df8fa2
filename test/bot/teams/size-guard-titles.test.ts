/**
 * The short card that replaces one too large for Teams (fitActivity in bot/teams/size-guard.ts):
 * its title from the card's first text, from a plain message's text, cut when long, or none; and
 * an invoke answer without a status answered 200.
 */
import { describe, expect, it } from 'vitest';
import { byteSize, fitActivity, TEAMS_ACTIVITY_LIMIT } from '../../../bot/teams/size-guard.js';

const CARD = 'application/vnd.microsoft.card.adaptive';
const huge = 'è'.repeat(20_000);
/** The replacement card's first text and its fallback. */
const shortCard = (activity: object) => {
  const fitted = fitActivity(activity, 'en');
  expect(fitted.replaced).toBe(true);
  expect(byteSize(fitted.activity)).toBeLessThan(TEAMS_ACTIVITY_LIMIT);
  const sent = fitted.activity as {
    attachments?: Array<{ content: { body: Array<{ text?: string }>; fallbackText?: string } }>;
    value?: { status: number; body: { value: { body: Array<{ text?: string }> } } };
  };
  return sent;
};

describe('the card that replaces one too large', () => {
  it("takes a plain message's text as its title, cut to a title's length", () => {
    const sent = shortCard({ type: 'message', text: `Customers: ${huge}` });
    const [title] = sent.attachments![0]!.content.body;
    expect(title!.text!.startsWith('Customers: èèè')).toBe(true);
    expect(title!.text!.endsWith('…')).toBe(true);
    expect(title!.text!.length).toBeLessThanOrEqual(200);
    expect(sent.attachments![0]!.content.fallbackText).toMatch(/^Customers: è+…: /);
  });

  it('has no title when neither the card nor the message gives one', () => {
    const sent = shortCard({
      type: 'message',
      attachments: [{ contentType: CARD, content: { type: 'AdaptiveCard', body: [{ type: 'Image', url: `https://x.example/${huge}` }] } }],
    });
    // The card says only why it is short: no title above it.
    const texts = sent.attachments![0]!.content.body.map((b) => b.text);
    expect(texts).toEqual([expect.stringMatching(/^I left out the content of this card: /)]);
    expect(sent.attachments![0]!.content.fallbackText).toMatch(/^I left out the content of this card: /);
  });

  it('answers a card action without a status of its own with 200 and the short card', () => {
    const body = {
      statusCode: 200,
      type: CARD,
      value: {
        type: 'AdaptiveCard',
        body: [
          { type: 'TextBlock', text: 'Contoso' },
          { type: 'TextBlock', text: huge },
        ],
      },
    };
    const sent = shortCard({ type: 'invokeResponse', value: { body } });
    expect(sent.value!.status).toBe(200);
    expect(sent.value!.body.value.body[0]!.text).toBe('Contoso');
  });
});
