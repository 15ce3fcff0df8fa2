/**
 * A stand-in for Slack's Web API (and for response_url): records every call the bot makes and
 * answers as Slack does. Point the bot at it with SLACK_API_URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AuthTestResponse,
  ChatPostEphemeralResponse,
  ChatPostMessageResponse,
  ChatUpdateResponse,
  UsersInfoResponse,
  ConversationsHistoryResponse,
  FilesCompleteUploadExternalResponse,
  FilesGetUploadURLExternalResponse,
  ViewsOpenResponse,
  WebAPICallResult,
} from '@slack/web-api';

/** A refusal: `WebAPICallResult` has no `error` (each method's response type adds its own), so it is added here. */
type SlackRefusal = WebAPICallResult & { ok: false; error: string };

export interface SlackCall {
  method: string;
  args: Record<string, unknown> & { channel?: string; text?: string; blocks?: unknown[]; view?: Record<string, unknown> };
  /** What the fake answered (`ts` of a posted message, for instance). */
  result: Record<string, unknown>;
}

export interface SlackUser {
  name: string;
  locale?: string;
  tz?: string;
  /** Given only with the users:read.email scope, as Slack does. */
  email?: string;
}

const JSON_ARGS = ['blocks', 'view', 'attachments', 'metadata', 'files'];

/** A file shared with files.completeUploadExternal: what was uploaded, and where it went. */
export interface SlackFile {
  id: string;
  filename: string;
  title: string | undefined;
  channel: string | undefined;
  threadTs: string | undefined;
  initialComment: string | undefined;
  bytes: Buffer;
}

export async function startSlackApi(users: Record<string, SlackUser> = {}) {
  const calls: SlackCall[] = [];
  /** Calls answered with an error (see `fail`), kept apart so `calls` stays what Slack accepted. */
  const failed: SlackCall[] = [];
  const delays = new Map<string, number>();
  /** Requests received and not answered yet, by method (see `slow`). */
  const waiting = new Map<string, number>();
  /** Releases of the requests held by `slow`, by method. */
  const held = new Map<string, Set<() => void>>();
  const failures: Array<{ method: string; match: (args: SlackCall['args']) => boolean; error: string; count: number }> = [];
  let seq = 0;
  /** Upload URLs handed out by files.getUploadURLExternal, by file id, and the bytes posted to each. */
  const uploads = new Map<string, { filename: string; length: number; bytes: Buffer | null }>();
  /** Files completed (shared), in order. */
  const files: SlackFile[] = [];
  let base = '';
  /** The scopes the token carries, sent as Slack does in every answer's x-oauth-scopes header: the manifest's by default. */
  let scopes: string[] = ['app_mentions:read', 'chat:write', 'commands', 'files:read', 'files:write', 'im:history', 'users:read', 'users:read.email'];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });

  const parse = (text: string, type: string): SlackCall['args'] => {
    if (type.includes('application/json')) return text ? (JSON.parse(text) as SlackCall['args']) : {};
    const args: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) args[key] = JSON_ARGS.includes(key) ? JSON.parse(value) : value;
    return args;
  };

  const answer = (method: string, args: SlackCall['args']): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://northwind.slack.com/',
          team: 'Northwind',
          user: 'csp',
          team_id: 'T0001',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        } satisfies AuthTestResponse;
      case 'users.info': {
        const id = String(args.user);
        const user = users[id] ?? { name: id };
        return {
          ok: true,
          user: {
            id,
            name: user.name.toLowerCase().replace(/\s+/g, '.'),
            real_name: user.name,
            tz: user.tz ?? 'Europe/London',
            locale: args.include_locale ? (user.locale ?? 'en-US') : undefined,
            profile: { display_name: '', real_name: user.name, ...(user.email ? { email: user.email } : {}) },
          },
        } satisfies UsersInfoResponse;
      }
      case 'chat.postMessage':
        return {
          ok: true,
          channel: args.channel,
          ts: `1700000000.${String(++seq).padStart(6, '0')}`,
          message: { text: args.text },
        } satisfies ChatPostMessageResponse;
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: String(args.ts) } satisfies ChatUpdateResponse;
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1700000000.${String(++seq).padStart(6, '0')}` } satisfies ChatPostEphemeralResponse;
      case 'conversations.history': {
        // What the bot posted there, newest first (what people wrote is not kept here).
        const posted = calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === args.channel);
        const messages = posted.map((c) => ({ type: 'message', text: c.args.text as string, ts: c.result.ts as string })).reverse();
        const limit = Number(args.limit ?? 100);
        return { ok: true, messages: messages.slice(0, limit), has_more: messages.length > limit } satisfies ConversationsHistoryResponse;
      }
      case 'files.getUploadURLExternal': {
        // docs.slack.dev/reference/methods/files.getuploadurlexternal: filename and length (bytes) are required.
        const length = Number(args.length);
        if (!args.filename || !Number.isInteger(length) || length < 1)
          return { ok: false, error: 'invalid_arguments' } satisfies SlackRefusal;
        const fileId = `F${String(++seq).padStart(8, '0')}`;
        uploads.set(fileId, { filename: String(args.filename), length, bytes: null });
        return { ok: true, upload_url: `${base}/upload/v1/${fileId}`, file_id: fileId } satisfies FilesGetUploadURLExternalResponse;
      }
      case 'files.completeUploadExternal': {
        // docs.slack.dev/reference/methods/files.completeuploadexternal: `files` is a JSON array of {id, title}.
        const wanted = Array.isArray(args.files) ? (args.files as Array<{ id: string; title?: string }>) : [];
        if (wanted.length === 0) return { ok: false, error: 'invalid_arguments' } satisfies SlackRefusal;
        const done = wanted.map((f) => ({ f, upload: uploads.get(f.id) }));
        if (done.some((d) => !d.upload?.bytes)) return { ok: false, error: 'file_not_found' } satisfies SlackRefusal;
        for (const { f, upload } of done) {
          files.push({
            id: f.id,
            filename: upload!.filename,
            title: f.title,
            channel: args.channel_id as string | undefined,
            threadTs: args.thread_ts as string | undefined,
            initialComment: args.initial_comment as string | undefined,
            bytes: upload!.bytes!,
          });
          uploads.delete(f.id);
        }
        return {
          ok: true,
          files: done.map(({ f, upload }) => ({ id: f.id, name: upload!.filename, title: f.title ?? upload!.filename })),
        } satisfies FilesCompleteUploadExternalResponse;
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        // ViewsPublishResponse and ViewsUpdateResponse have the same shape.
        return { ok: true, view: { id: `V${++seq}`, ...(args.view as object) } } satisfies ViewsOpenResponse;
      default:
        return { ok: false, error: 'unknown_method' } satisfies SlackRefusal;
    }
  };

  /**
   * The upload URL (files.slack.com in production): the bytes, raw or as a multipart form (Slack
   * accepts both; Bolt's client sends a form), answered `OK - <length>` as Slack does.
   */
  const receiveUpload = async (req: IncomingMessage, res: ServerResponse, fileId: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const upload = uploads.get(fileId);
    const type = req.headers['content-type'] ?? '';
    let bytes = body;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    if (!upload || req.method !== 'POST' || bytes.length === 0) {
      res.writeHead(404);
      res.end();
      return;
    }
    upload.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${bytes.length}`);
  };

  /** Files shared with the bot, served at their url_private to the bot token only, as Slack does. */
  const sharedFiles = new Map<string, Buffer>();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/upload/v1/')) return receiveUpload(req, res, path.slice('/upload/v1/'.length));
    const text = await read(req);
    if (path.startsWith('/files-pri/')) {
      const file = sharedFiles.get(path);
      const authorised = req.headers.authorization === 'Bearer xoxb-test-token';
      res.writeHead(!authorised ? 403 : file ? 200 : 404, { 'content-type': 'text/csv' });
      res.end(authorised && file ? file : undefined);
      return;
    }
    const method = path.startsWith('/respond/') ? 'respond' : path.replace(/^\/api\//, '');
    const args = parse(text, req.headers['content-type'] ?? '');
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-oauth-scopes', scopes.join(','));
    if (method !== 'respond' && req.headers.authorization !== 'Bearer xoxb-test-token') {
      res.end(JSON.stringify({ ok: false, error: 'not_authed' }));
      return;
    }
    const delay = delays.get(method);
    waiting.set(method, (waiting.get(method) ?? 0) + 1);
    if (delay) {
      await new Promise<void>((resolve) => {
        const holding = held.get(method) ?? new Set<() => void>();
        held.set(method, holding);
        const release = () => {
          clearTimeout(timer);
          holding.delete(release);
          resolve();
        };
        const timer = setTimeout(release, delay);
        holding.add(release);
      });
    }
    waiting.set(method, waiting.get(method)! - 1);
    const failure = failures.find((f) => f.method === method && f.count > 0 && f.match(args));
    if (failure) {
      failure.count--;
      const result = { ok: false, error: failure.error } satisfies SlackRefusal;
      failed.push({ method, args, result });
      res.end(JSON.stringify(result));
      return;
    }
    const result = method === 'respond' ? { ok: true } : answer(method, args);
    calls.push({ method, args, result });
    res.end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const find = (method: string, match: (call: SlackCall) => boolean = () => true, after = 0) =>
    calls.slice(after).find((c) => c.method === method && match(c));

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id: string) => `${base}/respond/${id}`,
    calls,
    failed,
    /** Files shared through files.uploadV2 (upload URL, then files.completeUploadExternal), in order. */
    files,
    /** The scopes the token carries from now on (x-oauth-scopes). */
    setScopes(next: string[]) {
      scopes = [...next];
    },
    /** The next `count` calls of `method` matching `match` answer `{ ok: false, error }`. */
    fail(method: string, error: string, count = 1, match: (args: SlackCall['args']) => boolean = () => true) {
      failures.push({ method, match, error, count });
    },
    /** Answers `method` only after `ms`; 0 stops that, and answers at once the calls held so far. */
    slow(method: string, ms: number) {
      delays.set(method, ms);
      if (ms === 0) for (const release of [...(held.get(method) ?? [])]) release();
    },
    /** How many calls of `method` the bot is waiting on right now. */
    waiting: (method: string) => waiting.get(method) ?? 0,
    /** Waits until the bot has made a matching call (it works after acknowledging Slack). */
    async waitFor(
      method: string,
      match: (call: SlackCall) => boolean = () => true,
      options: { after?: number; timeoutMs?: number } = {},
    ): Promise<SlackCall> {
      const deadline = Date.now() + (options.timeoutMs ?? 5_000);
      for (;;) {
        const call = find(method, match, options.after ?? 0);
        if (call) return call;
        if (Date.now() > deadline) throw new Error(`no ${method} call arrived; calls so far: ${calls.map((c) => c.method).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** The mrkdwn texts of a call: what Slack would interpret as markup. */
    mrkdwn(call: SlackCall | undefined): string[] {
      const out: string[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
          Object.values(o).forEach(walk);
        }
      };
      walk(call?.args.blocks ?? call?.args.view);
      return out;
    },
    /** Everything a person would read in a call's message, modal or home tab. */
    text(call: SlackCall | undefined): string {
      const out: string[] = [];
      const walk = (v: unknown) => {
        if (typeof v === 'string') out.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(call?.args.blocks ?? call?.args.view);
      return out.join('\n');
    },
    /** A file shared in a message: what the message event's `files` carries for it (its url_private is served here). */
    shareFile(name: string, bytes: Buffer | string) {
      const path = `/files-pri/T0001-F${sharedFiles.size + 1}/${encodeURIComponent(name)}`;
      sharedFiles.set(path, Buffer.from(bytes));
      return {
        id: `F${sharedFiles.size}`,
        name,
        filetype: name.split('.').pop(),
        mimetype: 'text/csv',
        url_private: `${base}${path}`,
        size: Buffer.byteLength(bytes),
      };
    },
    close: () => {
      // Nothing held back keeps the server open.
      for (const holding of held.values()) for (const release of [...holding]) release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type SlackApi = Awaited<ReturnType<typeof startSlackApi>>;
