/**
 * One line of `npm run doctor` and of `status`: what was checked, whether it holds, and the
 * sentence that says what to do. `off` is something not configured, which is no problem by itself;
 * only `fail` (something configured that does not work) makes the doctor exit non-zero.
 */
import type { MessageKey, MessageParams } from '../../i18n/catalogue.js';

export type CheckState = 'ok' | 'warn' | 'fail' | 'off';

export interface Check {
  area: MessageKey;
  state: CheckState;
  text: MessageKey;
  params?: MessageParams;
}

export const check = (area: MessageKey, state: CheckState, text: MessageKey, params?: MessageParams): Check => ({
  area,
  state,
  text,
  ...(params ? { params } : {}),
});

export const notConfigured = (area: MessageKey): Check => check(area, 'off', 'doctor.off');

/** A check that threw is a check that failed, with the reason: the doctor never dies half-way. */
export async function guarded(area: MessageKey, run: () => Promise<Check | Check[]>): Promise<Check[]> {
  try {
    const result = await run();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [check(area, 'fail', 'doctor.failed', { reason: error instanceof Error ? error.message : String(error) })];
  }
}

/** A request's failure in a few words: the system's code (ECONNREFUSED…) or its message. */
export function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within 10 s';
  return error instanceof Error ? error.message : String(error);
}

export const TIMEOUT_MS = 10_000;
