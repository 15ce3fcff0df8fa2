/**
 * What each person chose for themselves. Today: the language the bot answers them in. Without a
 * choice the bot answers in the language they typed the command in, then in their client's.
 */
import type { Locale } from '../../store/schema.js';
import { principalOf, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput } from './errors.js';
import { requirePermission } from './roles.js';

/** The words that choose a language (either language's names for it), or go back to automatic. */
const LANGUAGE_WORDS: Readonly<Record<string, Locale | 'auto'>> = {
  english: 'en',
  inglese: 'en',
  en: 'en',
  italiano: 'it',
  italian: 'it',
  it: 'it',
  auto: 'auto',
  automatic: 'auto',
  automatico: 'auto',
  automatica: 'auto',
};

/** What a person asked for, from the word they typed; null when it names no language. */
export function languageWord(text: string): Locale | 'auto' | null {
  return LANGUAGE_WORDS[text.trim().toLowerCase()] ?? null;
}

export function createPeopleOperations(ctx: ServiceContext) {
  const chosen = (actor: Pick<Actor, 'platform' | 'userId'>): Locale | null =>
    ctx.store.get('people', principalOf(actor))?.language ?? null;
  return {
    /** The language this person chose to be answered in; null when they left it to the bot. */
    languageOf: chosen,

    /**
     * Sets (or, with "auto", clears) the person's language, for themselves only. It needs a role, as
     * everything the bot keeps does: a stranger who finds the bot cannot fill the store with settings.
     */
    async chooseLanguage(actor: Actor, input: { language: unknown }): Promise<{ language: Locale | null; previous: Locale | null }> {
      requirePermission(ctx, actor, 'look');
      const word = typeof input.language === 'string' ? languageWord(input.language) : null;
      if (!word) throw new InvalidInput('language.unknown', {}, { language: 'language.unknown' });
      const language = word === 'auto' ? null : word;
      const previous = chosen(actor);
      if (previous === language) return { language, previous };
      const id = principalOf(actor);
      await ctx.store.transact((tx) => {
        if (language) tx.put('people', { id, language, updatedAt: ctx.now().toISOString() });
        else tx.delete('people', id);
        ctx.audit(tx, actor, 'person.language', id, { language, previous });
      });
      return { language, previous };
    },
  };
}
