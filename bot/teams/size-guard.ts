/**
 * Teams refuses a bot's activity above about 28 KB (the connector answers 413), and the person
 * then sees nothing. Every activity the bot sends goes through `TurnContext`: replies, updates,
 * proactive posts (their turns run the adapter's middleware too) and the answer to a card action
 * (sent as an `invokeResponse` activity). So one middleware, registered on the adapter, checks them
 * all and swaps anything too large for a short card that says what was left out.
 */
import type { Activity, MiddlewareHandler } from 'botbuilder';
import type { Locale } from '../../store/schema.js';
import type { Logger } from '../logger.js';
import { t, toLocale } from '../../i18n/catalogue.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderAdaptiveCard } from '../../render/teams/adaptive.js';
import type { MessageView } from '../../views/index.js';

/** Teams' limit for one activity, the whole serialised activity counted. */
export const TEAMS_ACTIVITY_LIMIT = 28 * 1024;
/** Kept free below the limit for what the connector client and Teams add to what we measure. */
const MARGIN = 1024;
const TITLE_MAX = 200;

export const byteSize = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '');

/** Only a control character can take more than 3 bytes per UTF-16 unit in JSON (`\u001f`: 6). */
const CONTROL = /[\x00-\x1f]/;
const stringBytesAtMost = (text: string) => (CONTROL.test(text) ? 6 : 3) * text.length + 2;

/**
 * An upper bound of `byteSize(value)`, at less than half its cost (no string is built). Every
 * activity pays for the check and nearly all are far below the limit, so only one whose bound
 * comes near the limit is serialised to know its exact size.
 */
export function jsonBytesAtMost(value: unknown): number {
  if (typeof value === 'string') return stringBytesAtMost(value);
  if (value === null || typeof value !== 'object') return typeof value === 'number' ? String(value).length : 5;
  // A Date (or anything else that serialises itself) is measured as it will be sent.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return byteSize(value);
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value) bytes += jsonBytesAtMost(item) + 1;
    return bytes;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    bytes += stringBytesAtMost(key) + 2 + jsonBytesAtMost(item);
  }
  return bytes;
}

interface InvokeBody {
  statusCode?: number;
  type?: string;
  value?: unknown;
}

/** The first text of a card (our templates start with the title), else the activity's text. */
function titleOf(activity: Partial<Activity>): string {
  const card = (activity.attachments?.[0]?.content ?? (activity.value as { body?: InvokeBody } | undefined)?.body?.value) as
    { body?: Array<{ text?: unknown }> } | undefined;
  const first = card && typeof card === 'object' && Array.isArray(card.body) ? card.body[0]?.text : undefined;
  const title = typeof first === 'string' ? first : (activity.text ?? '');
  return title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;
}

/**
 * The short card. Its title is the big card's, which is already Teams text (escaped when that card
 * was rendered): it is copied as it is, not escaped a second time.
 */
function leftOutCard(activity: Partial<Activity>, bytes: number, locale: Locale) {
  const text = t(locale, 'ui.tooLarge.text', { size: Math.ceil(bytes / 1024) });
  const title = titleOf(activity);
  const view: MessageView = { kind: 'message', locale, tone: 'info', title: title ? '-' : '', text, fallbackText: text };
  const card = renderAdaptiveCard(view);
  if (title) {
    (card.body as Array<{ text?: string }>)[0]!.text = title;
    card.fallbackText = `${title}: ${text}`;
  }
  return card;
}

/**
 * The JSON of an answer to a card action, kept from when its size was measured, so the HTTP
 * answer writes it without serialising the card a second time (`invokeAnswerJson`).
 */
const measuredJson = new WeakMap<object, string>();

/** The JSON the size guard made of this invoke answer's body, if it measured it. */
export const invokeAnswerJson = (body: unknown): string | undefined =>
  body !== null && typeof body === 'object' ? measuredJson.get(body) : undefined;

/**
 * The exact size of an `invokeResponse` activity, serialising its body once: the rest of the
 * activity (a few hundred bytes) is measured around a one-byte stand-in for the body.
 */
function invokeResponseBytes(activity: Partial<Activity>): number | undefined {
  const value = activity.value as { body?: unknown } | undefined;
  const body = value?.body;
  if (body === null || typeof body !== 'object' || typeof (body as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const json = JSON.stringify(body);
  measuredJson.set(body, json);
  return byteSize({ ...activity, value: { ...value, body: 0 } }) - 1 + Buffer.byteLength(json);
}

/**
 * The activity as it may be sent: itself when it fits, otherwise a copy whose card (or text) is
 * replaced by the short card. `bytes` is the size of what was asked for (an upper bound when it fits).
 */
export function fitActivity<A extends Partial<Activity>>(activity: A, locale: Locale): { activity: A; bytes: number; replaced: boolean } {
  const budget = TEAMS_ACTIVITY_LIMIT - MARGIN;
  const exact = activity.type === 'invokeResponse' ? invokeResponseBytes(activity) : undefined;
  const bound = exact ?? jsonBytesAtMost(activity);
  if (bound <= budget) return { activity, bytes: bound, replaced: false };
  const bytes = exact ?? byteSize(activity);
  if (bytes <= budget) return { activity, bytes, replaced: false };
  const card = leftOutCard(activity, bytes, locale);
  if (activity.type === 'invokeResponse') {
    // The answer to Action.Execute: a card replaces the clicked one; a text shows beside it.
    const value = activity.value as { status?: number; body?: InvokeBody } | undefined;
    const body: InvokeBody = { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
    return { activity: { ...activity, value: { ...value, status: value?.status ?? 200, body } }, bytes, replaced: true };
  }
  return {
    activity: { ...activity, text: undefined, attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }] },
    bytes,
    replaced: true,
  };
}

/** The middleware: every send and update of a turn passes through `fitActivity`. */
export function activitySizeGuard(logger: Logger): MiddlewareHandler {
  return async (context, next) => {
    const locale = toLocale(context.activity?.locale);
    const fit = <A extends Partial<Activity>>(activity: A): A => {
      const result = fitActivity(activity, locale);
      if (result.replaced)
        logger.warn(
          { bytes: result.bytes, activityType: activity.type, title: titleOf(activity).slice(0, 80) },
          'Teams activity too large; sent a shorter card instead',
        );
      return result.activity;
    };
    context.onSendActivities(async (_context, activities, sendAll) => {
      for (let i = 0; i < activities.length; i++) activities[i] = fit(activities[i]!);
      return sendAll();
    });
    context.onUpdateActivity(async (_context, activity, update) => {
      // The adapter sends this very object: change it in place.
      Object.assign(activity, fit(activity));
      return update();
    });
    await next();
  };
}
