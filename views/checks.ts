/** The deployment's checks in words: the doctor's table for operators, and lines of the status card. */
import { t } from '../i18n/catalogue.js';
import type { Locale } from '../store/schema.js';
import type { Check, CheckState } from '../bot/service/check.js';

const MARKS: Record<CheckState, string> = { ok: '✓', warn: '⚠', fail: '✗', off: '–' };
const WORDS: Record<CheckState, string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', off: 'off' };

/** One line per check for a card: a mark, what was checked, and what holds or what to do. */
export function checkLines(l: Locale, checks: readonly Check[]): string[] {
  return checks.map((c) => `${MARKS[c.state]} ${t(l, c.area)}: ${t(l, c.text, c.params)}`);
}

/** The doctor's table, aligned for a terminal, with a closing line that says whether anything failed. */
export function checksTable(l: Locale, checks: readonly Check[]): string {
  const rows = checks.map((c) => [WORDS[c.state], t(l, c.area), t(l, c.text, c.params)] as const);
  const width = Math.max(...rows.map(([, area]) => area.length), 5);
  const failures = checks.filter((c) => c.state === 'fail').length;
  const warnings = checks.filter((c) => c.state === 'warn').length;
  const summary =
    failures > 0
      ? `${failures} ${failures === 1 ? 'problem' : 'problems'}: the lines marked FAIL say what to do.`
      : warnings > 0
        ? `Everything configured works; ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} above.`
        : 'Everything configured works.';
  return [
    t(l, 'doctor.title'),
    '',
    ...rows.map(([state, area, text]) => `${state.padEnd(4)}  ${area.padEnd(width)}  ${text}`),
    '',
    summary,
  ].join('\n');
}
