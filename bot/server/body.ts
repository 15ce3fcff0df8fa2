/**
 * The one body reader of the server, in place of restify's bodyParser. restify's reader inflated
 * gzip with no limit on the inflated size and let zlib errors escape (one request ended the
 * process), and its multipart support wrote uploads to the temp folder. This one takes only the
 * media types a route names, refuses compressed bodies, never touches the disk, counts the limit
 * on the bytes actually read, and turns every problem into a 4xx for that request alone.
 * (`/slack/events` never comes here: Bolt reads its raw body, which the signature covers.)
 */
import type { Next, Request, RequestHandler, Response } from 'restify';

export type BodyType = 'application/json' | 'application/x-www-form-urlencoded';

export interface BodyRule {
  types: BodyType[];
  /** Bytes; a body past it gets 413, and reading stops there. */
  limit: number;
}

/** The media type without parameters, lower case ('' when absent). */
export function mediaType(req: Pick<Request, 'headers'>): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/** A charset other than UTF-8 would be decoded wrongly: refuse it rather than guess. */
function charsetIsUtf8(req: Pick<Request, 'headers'>): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1];
  return !charset || /^utf-?8$/i.test(charset);
}

/** A form body as a plain object of strings; the first of repeated fields wins. */
function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}

function refuse(res: Response, status: number, error: string): void {
  if (res.headersSent) return;
  // The rest of an oversized or unreadable body is not worth reading: close once answered.
  res.setHeader('connection', 'close');
  res.send(status, { error });
}

/** A restify handler that reads and parses the body into `req.body`, or answers 4xx. */
export function readBody(rule: BodyRule): RequestHandler {
  return function bodyReader(req: Request, res: Response, next: Next): void {
    const stop = (status: number, error: string) => {
      refuse(res, status, error);
      next(false);
    };
    const encoding = String(req.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    if (encoding !== 'identity' && encoding !== '') return stop(415, 'Compressed request bodies are not accepted; send it uncompressed.');
    const type = mediaType(req);
    if (!(rule.types as string[]).includes(type) || !charsetIsUtf8(req)) {
      return stop(415, `This endpoint accepts ${rule.types.join(' or ')} (UTF-8) only.`);
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > rule.limit) return stop(413, `The body is larger than ${rule.limit} bytes.`);

    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (status: number | null, error = '') => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      if (status !== null) return stop(status, error);
      try {
        const raw = Buffer.concat(chunks, size);
        // The exact bytes, for routes whose signature covers them (Partner Center webhooks).
        req.rawBody = raw;
        const text = raw.toString('utf8');
        req.body = type === 'application/json' ? (text ? (JSON.parse(text) as unknown) : undefined) : parseForm(text);
      } catch {
        return stop(400, 'The body is not valid JSON.');
      }
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > rule.limit) {
        req.pause();
        return settle(413, `The body is larger than ${rule.limit} bytes.`);
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(null));
    req.once('error', () => settle(400, 'The body could not be read.'));
    req.once('aborted', () => settle(400, 'The request was aborted.'));
  };
}
