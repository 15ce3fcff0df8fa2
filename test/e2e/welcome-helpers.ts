/** What the first-contact tests read off Teams cards, and how they install the bot. */
import type { teamsClient, TeamsConversation, TeamsUser } from '../fakes/teams-client.js';

/** The Microsoft directory's commands, as help would list them (their usage's start). */
export const MICROSOFT_ONLY = {
  en: ['status', 'refresh customers', 'end admin access', 'connect partner center', 'disconnect partner center'],
  it: ['stato', 'aggiorna clienti', 'termina accesso amministrativo', 'collega partner center', 'scollega partner center'],
};

/** Teams markdown as a person reads it: no word joiners, no backslash escapes. */
const shown = (text: string) => text.replace(/\u2060/g, '').replace(/\\([\\*[\]~_])/g, '$1');

function walk(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (!node || typeof node !== 'object') return;
  visit(node as Record<string, unknown>);
  Object.values(node).forEach((v) => walk(v, visit));
}

/** The titles of a card's buttons, in order. */
export function buttonTitles(card: unknown): string[] {
  const titles: string[] = [];
  walk(card, (o) => {
    if (o.type === 'Action.Execute') titles.push(String(o.title));
  });
  return titles;
}

/** The commands a help card lists (its monospace lines). */
export function usagesOf(card: unknown): string[] {
  const usages: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock' && o.fontType === 'Monospace') usages.push(shown(String(o.text)));
  });
  return usages;
}

/**
 * The bot added to a conversation, as Teams posts it: a conversationUpdate whose membersAdded
 * holds the bot (in a team, with the team's event type and ids).
 */
export function teamsInstall(teams: ReturnType<typeof teamsClient>, user: TeamsUser, conversation: TeamsConversation) {
  const base = teams.activity(user, conversation, {});
  const channel = conversation.conversationType === 'channel';
  return teams.post({
    ...base,
    type: 'conversationUpdate',
    membersAdded: [{ id: base.recipient!.id }],
    ...(channel
      ? {
          channelData: { ...base.channelData, eventType: 'teamMemberAdded', team: { id: conversation.id, name: conversation.channelName } },
        }
      : {}),
  });
}
