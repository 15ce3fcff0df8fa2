/** The digest in the terminal: `digest` shows it with the chart's figures in words; there is nowhere to post it later. */
import { describe, expect, it } from 'vitest';
import { createConversation } from '../../../bot/conversation/handler.js';
import { createChatSession } from '../../../bot/cli/session.js';
import { testService } from '../../helpers.js';

async function terminal(locale: 'en' | 'it') {
  const t = await testService();
  const conversation = createConversation(t.service, { error: () => {}, warn: () => {} });
  const lines: string[] = [];
  const session = createChatSession({
    conversation,
    turn: {
      actor: { platform: 'cli', userId: 'admin', displayName: 'admin', locale },
      conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
    },
    out: (l) => lines.push(l),
  });
  return async (input: string) => {
    lines.length = 0;
    await session.input(input);
    return lines.join('\n');
  };
}

describe('the digest in the terminal', () => {
  it('shows the sections, their buttons as choices and the chart in words; digest here says where to type it', async () => {
    const say = await terminal('en');
    const out = await say('digest');
    expect(out).toContain('Weekly digest');
    expect(out).toContain('Accepted this week: 0 customers');
    expect(out).toContain('No invitation is waiting.');
    expect(out).toMatch(/Invitations per week, last 8 weeks: week of \d+ \w+: 0 sent, 0 accepted, 0 with access ready;/);
    expect(out).toMatch(/\[2\] Invitations/);
    expect(await say('digest here')).toContain('Type `digest here` in the channel or chat that should get the digest.');
  });

  it('in Italian', async () => {
    const say = await terminal('it');
    const out = await say('riepilogo');
    expect(out).toContain('Riepilogo settimanale');
    expect(out).toContain('Hanno accettato questa settimana 0 clienti');
    expect(out).toContain('settimana del');
    expect(await say('disattiva riepilogo')).toContain('Scrivi `riepilogo qui` nel canale o nella chat');
  });
});
