/** Terminal chat sessions on one test service: `say` types lines and returns what the bot printed. */
import { createConversation } from '../../../bot/conversation/handler.js';
import { createChatSession } from '../../../bot/cli/session.js';
import { testService } from '../../helpers.js';

export async function chat(user: string, locale: 'en' | 'it' = 'en') {
  const t = await testService();
  const conversation = createConversation(t.service, { error: () => {}, warn: () => {} });
  const session = (as: string, lang = locale) => {
    const lines: string[] = [];
    const s = createChatSession({
      conversation,
      turn: {
        actor: { platform: 'cli', userId: as, displayName: as, locale: lang },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (l) => lines.push(l),
    });
    return {
      lines,
      /** The readline prompt the session wants now: empty while it asks for text. */
      get prompt() {
        return s.prompt;
      },
      async say(...inputs: string[]) {
        lines.length = 0;
        for (const input of inputs) await s.input(input);
        return lines.join('\n');
      },
    };
  };
  return { ...t, me: session(user), session };
}
