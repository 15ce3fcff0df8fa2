/** The kinds of gap `gaps` finds and the shapes it answers with (no rules here: see gaps.ts). */

/** The kinds, in the order they are shown; the GDAP ones only with the Microsoft directory. */
export const GAP_KINDS = [
  'gdapWithoutReseller',
  'resellerWithoutGdap',
  'providerWithoutRelationship',
  'onlyMlt',
  'endingWithoutAutoExtend',
  'globalAdmin',
] as const;
export type GapKind = (typeof GAP_KINDS)[number];

export const isGapKind = (value: unknown): value is GapKind =>
  typeof value === 'string' && (GAP_KINDS as readonly string[]).includes(value);

/** One gap: a customer, or one of its GDAP relationships, and what its fix needs. */
export interface GapRow {
  customerId: string | null;
  /** The customer's name as the book has it (text from outside: the renderers escape it). */
  name: string;
  /** The customer's email where the bot knows one (an invitation's, the contact's), for the draft. */
  email: string | null;
  /** The provider it was invited with (`providerWithoutRelationship`). */
  providerName: string | null;
  /** The GDAP relationship the row is about (`endingWithoutAutoExtend`, `globalAdmin`). */
  relationship: { id: string; displayName: string; endsAt: string | null } | null;
}

export interface GapSummary {
  kind: GapKind;
  count: number;
  /** How many the bot cannot judge without Partner Center's API (said, not guessed). */
  unknown: number;
}

export interface GapPage extends GapSummary {
  rows: GapRow[];
  page: number;
  pages: number;
}

/** Rows per page: within Teams' 28 KB and Slack's 50 blocks at any size of book. */
export const GAPS_PAGE = 10;
