/** The digest's shapes, apart from the rules that fill them (digest-report.ts), so events can name them. */
import type { GapSummary } from './gap-kinds.js';

export interface DigestItem {
  name: string;
  at: string;
}

export interface DigestSection {
  count: number;
  /** The first DIGEST_TOP, in the section's order. */
  top: DigestItem[];
}

/** One week of the chart: from `start`, seven days. */
export interface ChartWeek {
  start: string;
  sent: number;
  accepted: number;
  ready: number;
}

export interface DigestReport {
  /** The moment it describes; "this week" is the seven days before it. */
  at: string;
  timeZone: string;
  accepted: DigestSection;
  pending: DigestSection;
  ready: DigestSection;
  ending: DigestSection;
  /** Each kind of gap with its count, by the rules of `gaps`. */
  gaps: GapSummary[];
  weeks: ChartWeek[];
  /** The chart's signed address; null where the conversation has no digest subscription to sign it. */
  chartUrl: string | null;
}
