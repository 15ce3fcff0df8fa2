import fc from 'fast-check';
import { Writable } from 'node:stream';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger.js';
import { cardText, startConnector } from '../../fakes/connector.js';
import {
  activitySizeGuard,
  byteSize,
  fitActivity,
  invokeAnswerJson,
  jsonBytesAtMost,
  TEAMS_ACTIVITY_LIMIT,
} from '../../../bot/teams/size-guard.js';
import { runSeed } from '../../seed.js';

describe('Teams activity size', () => {
  it('never underestimates the size of a payload, whatever its characters', () => {
    const seed = runSeed('size guard: payload sizes');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonBytesAtMost(value)).toBeGreaterThanOrEqual(byteSize(value));
      }),
      { numRuns: 2000, seed },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (value) => {
        expect(jsonBytesAtMost(value)).toBeGreaterThanOrEqual(byteSize(value));
      }),
      { numRuns: 2000, seed },
    );
    const dated = { at: new Date('2026-11-23T10:00:00Z'), nested: [{ at: new Date(0) }] };
    expect(jsonBytesAtMost(dated)).toBeGreaterThanOrEqual(byteSize(dated));
    expect(jsonBytesAtMost({ text: '\u0001'.repeat(10) })).toBeGreaterThanOrEqual(byteSize({ text: '\u0001'.repeat(10) }));
  });

  it('keeps an activity that fits and replaces the card of one that does not, in the reader language', () => {
    const card = (text: string) => ({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'Contoso' },
        { type: 'TextBlock', text },
      ],
    });
    const small = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card('ok') }] };
    expect(fitActivity(small, 'en')).toMatchObject({ activity: small, replaced: false });
    // Close to the limit but under it (a non-ASCII character is two bytes): measured exactly, sent as it is.
    const near = { ...small, attachments: [{ ...small.attachments[0]!, content: card('è'.repeat(12_000)) }] };
    expect(fitActivity(near, 'en')).toMatchObject({ activity: near, replaced: false });
    const big = { ...small, attachments: [{ ...small.attachments[0]!, content: card('è'.repeat(20_000)) }] };
    const fitted = fitActivity(big, 'it');
    expect(fitted.replaced).toBe(true);
    expect(byteSize(fitted.activity)).toBeLessThan(TEAMS_ACTIVITY_LIMIT);
    expect(JSON.stringify(fitted.activity)).toContain('Contoso');
    expect(JSON.stringify(fitted.activity)).toContain('Ho omesso il contenuto di questa scheda: con 40 KB');
  });

  it('keeps the title of the card it replaces as that card showed it, escaped once', async () => {
    const { renderAdaptiveCard } = await import('../../../render/teams/adaptive.js');
    const title = 'Remove [Contoso](https://evil.example) *Ltd*?';
    const rendered = renderAdaptiveCard({
      kind: 'message',
      locale: 'en',
      tone: 'info',
      title,
      text: 'x'.repeat(40_000),
      fallbackText: title,
    });
    const shown = (rendered.body as Array<{ text: string }>)[0]!.text;
    const fitted = fitActivity(
      { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: rendered }] },
      'en',
    );
    expect(fitted.replaced).toBe(true);
    const card = fitted.activity.attachments[0]!.content as unknown as { body: Array<{ text: string }>; fallbackText: string };
    expect(card.body[0]!.text).toBe(shown);
    expect(card.body[0]!.text).not.toContain('\\\\');
    expect(card.body[1]!.text).toContain('I left out the content of this card');
  });

  it('guards proactive posts and updates too: they run the adapter middleware', async () => {
    const connector = await startConnector();
    const warnings: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        warnings.push(chunk.toString());
        done();
      },
    });
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    adapter.use(activitySizeGuard(createLogger('warn', sink)));
    const huge = {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: 'Notifica' },
          { type: 'TextBlock', text: 'x'.repeat(60_000) },
        ],
      },
    };
    const reference = {
      channelId: 'msteams',
      serviceUrl: connector.url,
      locale: 'it-IT',
      conversation: { id: '19:ops@thread.tacv2', isGroup: true, conversationType: 'channel', name: 'Ops' },
      bot: { id: '28:bot', name: 'CSP Connect' },
      user: { id: '29:u', name: 'U' },
    };
    try {
      await adapter.continueConversationAsync('', reference, async (context) => {
        await context.sendActivity({ attachments: [huge] });
        await context.updateActivity({ id: 'activity-1', type: 'message', attachments: [huge] });
      });
      expect(connector.calls.map((c) => c.method)).toEqual(['POST', 'PUT']);
      for (const call of connector.calls) {
        expect(byteSize(call.body)).toBeLessThan(TEAMS_ACTIVITY_LIMIT);
        expect(cardText(call)).toContain('Ho omesso il contenuto di questa scheda');
        expect(cardText(call)).toContain('Notifica');
      }
      expect(warnings.join('')).toContain('Teams activity too large');
    } finally {
      await connector.close();
    }
  });
});

describe("a card action's answer", () => {
  const card = (text: string) => ({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Contoso' },
      { type: 'TextBlock', text },
    ],
  });
  const answer = (text: string) => ({
    type: 'invokeResponse',
    replyToId: 'card-1',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card(text) } },
  });

  it('is measured exactly, and the JSON it was measured by is the JSON of its body', () => {
    for (const text of ['ok', 'è'.repeat(12_000), '\u0001"\\'.repeat(100)]) {
      const activity = answer(text);
      const fitted = fitActivity(activity, 'en');
      expect(fitted).toMatchObject({ activity, replaced: false, bytes: byteSize(activity) });
      expect(invokeAnswerJson(activity.value.body)).toBe(JSON.stringify(activity.value.body));
    }
  });

  it('is replaced when too large, and the replacement is serialised as usual', () => {
    const activity = answer('è'.repeat(20_000));
    const fitted = fitActivity(activity, 'en');
    expect(fitted.replaced).toBe(true);
    expect(fitted.bytes).toBe(byteSize(activity));
    const body = (fitted.activity.value as { body: object }).body;
    expect(invokeAnswerJson(body)).toBeUndefined();
    expect(JSON.stringify(body)).toContain('I left out the content of this card');
  });
});
