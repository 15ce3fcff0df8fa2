/** Bench plumbing: servers in child processes, local stand-ins for Microsoft's and Slack's APIs, autocannon. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem, release } from 'node:os';
import autocannon from 'autocannon';

export const ROOT = new URL('..', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Running {
  url: string;
  pid: number;
  /** Spawn to the first healthy answer. */
  startupMs: number;
  rssMb(): number;
  /** CPU time the process has used so far (user + system), in ms: what a turn costs, whatever the neighbours do. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts a server process and waits for GET /healthz to answer 200. */
export async function startProcess(command: string, args: string[], env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 60_000) throw new Error(`${args.join(' ')} did not become healthy: ${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - started;
  return {
    url,
    pid: child.pid!,
    startupMs,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name), in ticks of 10 ms.
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** The Bot Framework connector, Slack's Web API and an OTLP/HTTP collector (`/v1/…`), answering as fast as they can. */
export async function startStandIns(): Promise<{ connectorUrl: string; slackApiUrl: string; otlpUrl: string; counts: Record<string, number>; close(): Promise<void> }> {
  const counts: Record<string, number> = {};
  let seq = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path.startsWith('/v1/')) {
        // An empty protobuf message is OTLP's "all accepted".
        counts.otlp = (counts.otlp ?? 0) + 1;
        res.setHeader('content-type', 'application/x-protobuf');
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (path.startsWith('/slack/api/')) {
        const method = path.slice('/slack/api/'.length);
        counts[method] = (counts[method] ?? 0) + 1;
        const body =
          method === 'auth.test'
            ? { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }
            : method === 'users.info'
              ? { ok: true, user: { id: 'UADMIN', name: 'alice', real_name: 'Alice', locale: 'en-US', tz: 'Europe/London', profile: {} } }
              : { ok: true, channel: 'C0BENCH', ts: `1700000000.${++seq}` };
        res.end(JSON.stringify(body));
        return;
      }
      counts.connector = (counts.connector ?? 0) + 1;
      res.end(JSON.stringify({ id: `activity-${++seq}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { connectorUrl: base, slackApiUrl: `${base}/slack/api/`, otlpUrl: base, counts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Requests answered. */
  total: number;
  errors: number;
  non2xx: number;
}

export async function load(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ connections: 20, duration: 5, ...options });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** A Bot Framework activity as Teams would post it, replies going to `serviceUrl`. */
export function activity(serviceUrl: string, extra: Record<string, unknown>): string {
  return JSON.stringify({
    id: 'bench-activity',
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale: 'en-US',
    from: { id: '29:aad-admin', aadObjectId: 'aad-admin', name: 'Alice Admin' },
    recipient: { id: '28:bot', name: 'CSP Connect' },
    conversation: { id: 'a:bench-personal', conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
    ...extra,
  });
}

/** The two Teams turns the bench measures: a typed `list customers`, and a card action (next page of the list). */
export function turnBody(kind: 'list' | 'invoke', serviceUrl: string): string {
  if (kind === 'list') return activity(serviceUrl, { type: 'message', text: 'list customers' });
  return activity(serviceUrl, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb: 'customers.page', data: { page: 2, query: '' } } },
  });
}

/** One turn posted to `/api/messages` on its own, from the request to the answer, in ms. */
export async function timedTurnMs(url: string, body: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`a single turn answered ${res.status}`);
  return performance.now() - started;
}

/** The first turn a bot answers after /healthz says ok, and the tenth, posted one after the other. */
export async function firstAndTenthMs(url: string, body: string): Promise<{ first: number; tenth: number }> {
  const first = await timedTurnMs(url, body);
  let tenth = first;
  for (let i = 2; i <= 10; i++) tenth = await timedTurnMs(url, body);
  return { first, tenth };
}

/** A signed `/csp` slash command body and headers (valid for Slack's 5 minutes). */
let commandCount = 0;

/**
 * A signed `/csp` command as Slack sends it. Every call is a new request (its own `trigger_id`,
 * so its own signature), as from Slack: the bot acts once on a replayed signature.
 */
export function signedCommand(secret: string, text: string): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    team_id: 'T1', channel_id: 'C0BENCH', channel_name: 'bench', user_id: 'UADMIN', user_name: 'alice',
    command: '/csp', text, response_url: 'http://127.0.0.1:9/respond', trigger_id: `trigger-bench-${++commandCount}`, api_app_id: 'A1',
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature } };
}

/** autocannon requests that are each a freshly signed command (the load generator pays the HMAC, for the bot and the anchor alike). */
export function signedCommands(secret: string, text: string): autocannon.Request[] {
  return [
    {
      method: 'POST',
      setupRequest: (request) => {
        const command = signedCommand(secret, text);
        return { ...request, method: 'POST', body: command.body, headers: { ...request.headers, ...command.headers } };
      },
    },
  ];
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}`;
}
