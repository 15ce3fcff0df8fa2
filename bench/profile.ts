/**
 * `npx tsx bench/profile.ts`: where a turn's CPU time goes in the built bot (run `npm run build`
 * first). Starts dist/bot/start.js with the inspector on a data file of PROFILE_CUSTOMERS (10,000)
 * customers, times the first two turns after /healthz says ok, then records a CPU profile over
 * PROFILE_TURNS (5,000) more of the same turn (PROFILE_TURN: `invoke`, a card action's next page,
 * or `list`, a typed `list customers`) and prints the functions with the most self time and the
 * share of each package. Start-up is not in the profile; PROFILE_FIRST=1 shows the first turn's
 * instead, and PROFILE_OUT keeps the .cpuprofile.
 *
 * Relative self time is what to read: a busy machine moves absolute figures, not the shares.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSnapshot } from './fixtures.js';
import { freePort, load, startProcess, startStandIns, timedTurnMs, turnBody } from './lib.js';

const CUSTOMERS = Number(process.env.PROFILE_CUSTOMERS ?? 10_000);
const TURNS = Number(process.env.PROFILE_TURNS ?? 5_000);
const KIND = process.env.PROFILE_TURN === 'list' ? 'list' : 'invoke';
const TOP = Number(process.env.PROFILE_TOP ?? 30);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface Summary {
  /** Self time per function, in per cent of the samples (idle excluded). */
  self: Array<[string, number]>;
  /** Time in a function and everything it called. */
  total: Array<[string, number]>;
  /** Self time per package (node_modules/<name>, dist/<folder>, Node's own code). */
  packages: Array<[string, number]>;
}

const nameOf = ({ functionName, url, lineNumber }: ProfileNode['callFrame']) => {
  const file = url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|dist)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

export function summarise(profile: { nodes: ProfileNode[] }): Summary {
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, hits: number) => map.set(key, (map.get(key) ?? 0) + hits);
  let samples = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits || node.callFrame.functionName === '(idle)') continue;
    samples += hits;
    add(self, nameOf(node.callFrame), hits);
    add(packages, packageOf(node.callFrame.functionName, node.callFrame.url), hits);
    // Each function once per stack, however often it recurses.
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) seen.add(nameOf(at.callFrame));
    for (const name of seen) add(total, name, hits);
  }
  const shares = (map: Map<string, number>) =>
    [...map].map(([k, v]): [string, number] => [k, (100 * v) / samples]).sort((a, b) => b[1] - a[1]);
  return { self: shares(self), total: shares(total), packages: shares(packages) };
}

function packageOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const own = /\/dist\/([^/]+)\//.exec(url);
  return own ? `dist/${own[1]}` : url;
}

/** The inspector protocol over the bot's debugger WebSocket: one request, one answer. */
async function inspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let seq = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  };
  return {
    send: (method: string, params: object = {}) =>
      new Promise<unknown>((resolve) => {
        waiting.set(++seq, resolve);
        socket.send(JSON.stringify({ id: seq, method, params }));
      }),
    close: () => socket.close(),
  };
}

async function main(): Promise<void> {
  const work = join(tmpdir(), `csp-profile-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const dataFile = join(work, 'db.json');
  writeSnapshot(dataFile, CUSTOMERS, { admins: ['teams:aad-admin'] });
  const standIns = await startStandIns();
  const debugPort = await freePort();
  const bot = await startProcess(process.execPath, ['--expose-gc', `--inspect=127.0.0.1:${debugPort}`, 'dist/bot/start.js'], {
    DATA_FILE: dataFile,
  });
  const body = turnBody(KIND, standIns.connectorUrl);
  const devtools = await inspector(debugPort);
  await devtools.send('Profiler.enable');
  await devtools.send('Profiler.setSamplingInterval', { interval: 100 });
  const record = async <T>(work: () => Promise<T>) => {
    await devtools.send('Profiler.start');
    const value = await work();
    const { profile } = (await devtools.send('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
    return { value, profile };
  };
  // PROFILE_FIRST=1: the profile of the first turn alone (what it loads or builds that later turns reuse).
  const firstTurn = await record(() => timedTurnMs(bot.url, body));
  const first = firstTurn.value;
  const second = await timedTurnMs(bot.url, body);
  const cpuBefore = bot.cpuMs();
  const steady = await record(() =>
    load({
      url: `${bot.url}/api/messages`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      amount: TURNS,
      connections: 10,
    }),
  );
  const result = steady.value;
  const cpuPerTurn = (bot.cpuMs() - cpuBefore) / TURNS;
  const profile = process.env.PROFILE_FIRST ? firstTurn.profile : steady.profile;
  devtools.close();
  await bot.stop();
  await standIns.close();
  if (result.errors || result.non2xx) throw new Error(`${result.errors} errors, ${result.non2xx} non-2xx answers`);
  if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
  const { self, total, packages } = summarise(profile);
  const pct = (v: number) => `${v.toFixed(1).padStart(5)}%`;
  console.log(
    `${KIND} turns: first after start ${first.toFixed(1)} ms, second ${second.toFixed(1)} ms; ${TURNS} more at ${result.rps.toFixed(0)}/s, ${cpuPerTurn.toFixed(2)} ms of the bot's CPU each (profiler on)`,
  );
  console.log(`self time over ${process.env.PROFILE_FIRST ? 'the first turn' : 'those turns'}, idle excluded:\n`);
  console.log('by package:');
  for (const [name, share] of packages.slice(0, 15)) console.log(`  ${pct(share)}  ${name}`);
  console.log('\nby function, self time:');
  for (const [name, share] of self.slice(0, TOP)) console.log(`  ${pct(share)}  ${name}`);
  console.log("\nby function, with what it called (the bot's own code, and whatever is over 5%):");
  const shown = total.filter(([name, share]) => name.includes(' dist/') || share >= 5).slice(0, TOP);
  for (const [name, share] of shown) console.log(`  ${pct(share)}  ${name}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
