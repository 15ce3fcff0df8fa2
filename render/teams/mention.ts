/**
 * A person a card names: on Teams, a Teams user is @mentioned (notified), anyone else named in
 * words. A mention in an Adaptive Card is `<at>name</at>` in a TextBlock and an entity with the same
 * text in the card's `msteams.entities` (learn.microsoft.com, "Mention support within Adaptive
 * Cards"). The name inside the tag is escaped like any text from outside (teams-text.ts): its `<`
 * gets a word joiner, so nothing in a name can close the tag or open another.
 */
import { singleLine } from '../../bot/service/text.js';
import type { Naming } from '../../views/index.js';
import { teamsText } from './teams-text.js';

export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** The sentence as Teams markdown, and the mention entity it needs when it mentions someone. */
export function teamsNaming(naming: Naming): { text: string; entity: MentionEntity | null } {
  const { person } = naming;
  const name = singleLine(person.name);
  if (person.platform !== 'teams' || !person.userId || !name) {
    return { text: teamsText(`${naming.before}${person.name}${naming.after}`), entity: null };
  }
  const tag = `<at>${teamsText(name)}</at>`;
  return {
    text: `${teamsText(naming.before)}${tag}${teamsText(naming.after)}`,
    entity: { type: 'mention', text: tag, mentioned: { id: person.userId, name } },
  };
}

/**
 * Writes the sentence into the card's TextBlock with that `id` (after the card's text was escaped,
 * so the tag stays markup), and its mention into the card's entities.
 */
export function placeNaming(card: Record<string, unknown>, id: string, naming: Naming): void {
  const { text, entity } = teamsNaming(naming);
  const block = (card.body as Array<Record<string, unknown>> | undefined)?.find((element) => element.id === id);
  if (!block || !entity) return;
  block.text = text;
  const msteams = (card.msteams ?? {}) as { entities?: MentionEntity[] };
  card.msteams = { ...msteams, entities: [...(msteams.entities ?? []), entity] };
}
