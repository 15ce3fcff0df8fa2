/**
 * `npx tsx bench/ab.ts <other checkout>`: this build against another one (a checkout of an older
 * commit with its own `dist/`, built with `npx tsc -p tsconfig.build.json`), run alternately on
 * the same data, beside the botbuilder echo bot. For each: the first list turn after /healthz says
 * ok and the tenth, then list turns and card actions per second and the bot's CPU time per turn. AB_ROUNDS (3),
 * AB_SECONDS (5) and AB_CUSTOMERS (10,000) change the size of the run; prints medians.
 *
 * On a shared machine the turns per second move with the neighbours; the CPU time per turn, and
 * the two builds measured in turn, much less.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSnapshot } from './fixtures.js';
import { firstAndTenthMs, load, median, ROOT, startProcess, startStandIns, turnBody } from './lib.js';

const ROUNDS = Number(process.env.AB_ROUNDS ?? 3);
const SECONDS = Number(process.env.AB_SECONDS ?? 5);
const CUSTOMERS = Number(process.env.AB_CUSTOMERS ?? 10_000);
const other = process.argv[2];
if (!other) throw new Error('usage: npx tsx bench/ab.ts <other checkout with dist/ built>');

const work = join(tmpdir(), `csp-ab-${process.pid}`);
mkdirSync(work, { recursive: true });
const fixture = join(work, 'fixture.json');
writeSnapshot(fixture, CUSTOMERS, { admins: ['teams:aad-admin'] });
const standIns = await startStandIns();
const post = (body: string) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body });
const bodies = { list: turnBody('list', standIns.connectorUrl), invoke: turnBody('invoke', standIns.connectorUrl) };

type Figures = Record<string, number>;

async function measure(label: string, command: string[], env: Record<string, string>, firstTurn: boolean): Promise<Figures> {
  const server = await startProcess(process.execPath, command, env);
  const f: Figures = {};
  if (firstTurn) {
    const turns = await firstAndTenthMs(server.url, bodies.list);
    f.firstListMs = turns.first;
    f.tenthListMs = turns.tenth;
  }
  for (const kind of ['list', 'invoke'] as const) {
    const before = server.cpuMs();
    const result = await load({ url: `${server.url}/api/messages`, ...post(bodies[kind]), duration: SECONDS });
    if (result.errors || result.non2xx) throw new Error(`${label} ${kind}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
    f[`${kind}PerSecond`] = result.rps;
    f[`${kind}CpuMs`] = (server.cpuMs() - before) / result.total;
  }
  await server.stop();
  return f;
}

const bot = (dir: string) => (label: string) => {
  const file = join(work, `${label}-${Math.random().toString(36).slice(2)}.json`);
  copyFileSync(fixture, file);
  return measure(label, ['--expose-gc', join(dir, 'dist/bot/start.js')], { DATA_FILE: file }, true);
};
const variants: Record<string, (label: string) => Promise<Figures>> = {
  echo: (label) => measure(label, ['--import', 'tsx', 'bench/servers/echo-bot.ts'], {}, false),
  other: bot(resolve(other)),
  this: bot(ROOT),
};

const runs: Record<string, Figures[]> = { echo: [], other: [], this: [] };
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate which build goes first, so neither always meets the same neighbours.
  const order = round % 2 ? ['echo', 'other', 'this'] : ['echo', 'this', 'other'];
  for (const name of order) {
    const figures = await variants[name]!(name);
    runs[name]!.push(figures);
    console.log(
      `round ${round} ${name.padEnd(5)} ${Object.entries(figures)
        .map(([k, v]) => `${k} ${v.toFixed(k.endsWith('Ms') ? 2 : 0)}`)
        .join(', ')}`,
    );
  }
}
await standIns.close();

const m = (name: string, key: string) => median(runs[name]!.map((f) => f[key]!));
console.log(`\nmedians of ${ROUNDS} rounds, ${CUSTOMERS.toLocaleString('en')} customers, ${SECONDS} s per load:`);
for (const name of ['other', 'this']) {
  console.log(
    `${name.padEnd(5)} first list turn ${m(name, 'firstListMs').toFixed(0)} ms (tenth ${m(name, 'tenthListMs').toFixed(0)} ms); ` +
      `list ${m(name, 'listPerSecond').toFixed(0)}/s (${(m(name, 'listPerSecond') / m('echo', 'listPerSecond')).toFixed(2)}× echo), ${m(name, 'listCpuMs').toFixed(2)} ms CPU; ` +
      `card action ${m(name, 'invokePerSecond').toFixed(0)}/s (${(m(name, 'invokePerSecond') / m('echo', 'invokePerSecond')).toFixed(2)}× echo), ${m(name, 'invokeCpuMs').toFixed(2)} ms CPU`,
  );
}
console.log(
  `echo  list ${m('echo', 'listPerSecond').toFixed(0)}/s, ${m('echo', 'listCpuMs').toFixed(2)} ms CPU; invoke ${m('echo', 'invokePerSecond').toFixed(0)}/s, ${m('echo', 'invokeCpuMs').toFixed(2)} ms CPU`,
);
