/** The ids of a modal's inputs across `views.update`, and reading them back from a submission. */

/**
 * The block id of a modal input as a view holds it: the input's own, or `<input>:<revision>` for
 * one the bot wrote again. Slack keeps what was typed in an input whose ids stay the same across
 * `views.update` and ignores its new initial value, so the text the bot rewrites (the subject and
 * body in the other language) gets new ids, and the inputs the person filled keep theirs.
 */
export function inputBlockId(input: string, revision = 0): string {
  return revision > 0 ? `${input}:${revision}` : input;
}

/** Which revision of the email a draft modal shows (0 as first opened), read from its blocks' ids. */
export function draftRevision(blocks: ReadonlyArray<{ block_id?: string }>): number {
  for (const block of blocks) {
    const match = typeof block.block_id === 'string' ? /^body(?::(\d{1,6}))?$/.exec(block.block_id) : null;
    if (match) return Number(match[1] ?? 0);
  }
  return 0;
}

/** The value of a submitted input: under its own id, or the one a rewrite gave it (see `inputBlockId`). */
export function submittedBlockId(values: Record<string, unknown>, input: string): string {
  return Object.keys(values).find((id) => id === input || id.startsWith(`${input}:`)) ?? input;
}
