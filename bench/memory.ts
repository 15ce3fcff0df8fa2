/**
 * BENCH_ONLY=memory: the bot's RSS and nothing else, under the same load as `npm run bench` (list
 * turns, card actions, list turns while ~200 invitations/s are written), on three data sets: the
 * bench's BENCH_CUSTOMERS customers in the data file, the same in PostgreSQL with two replicas
 * (lists on A, writes on B), and 2,000 real-sized customers (300 users and 15 subscriptions each)
 * in the data file, where customers' details are opened too. Prints the figures; RESULTS.md is left alone.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSnapshot } from './fixtures.js';
import { activity, load, machine, median, startProcess, startStandIns, type Running } from './lib.js';
import { loadSnapshot, startPostgres } from './pg.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const ADMINS = ['teams:aad-admin', 'slack:UADMIN', 'cli:bench'];
const BOT = ['--expose-gc', 'dist/bot/start.js'];

const work = join(tmpdir(), `csp-bench-memory-${process.pid}`);
const progress = (text: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${text}\n`);
const post = (body: string) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body });

type Figures = Record<string, number>;

/** The bench's load on `reader` (and its writes on `writer`, the same bot unless two replicas); RSS just started and after. */
async function underLoad(
  reader: Running,
  writer: Running,
  connectorUrl: string,
  extraTexts: string[] = [],
): Promise<{ idle: number; loaded: number }> {
  const turn = (text: string) => activity(connectorUrl, { type: 'message', text });
  const invoke = activity(connectorUrl, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb: 'customers.page', data: { page: 2, query: '' } } },
  });
  const idle = reader.rssMb();
  const run = async (url: string, body: string, extra: Record<string, unknown> = {}) => {
    const result = await load({ url: `${url}/api/messages`, ...post(body), duration: SECONDS, ...extra });
    if (result.errors || result.non2xx) throw new Error(`${result.errors} errors, ${result.non2xx} non-2xx answers`);
  };
  await run(reader.url, turn('list customers'));
  await run(reader.url, invoke);
  for (const text of extraTexts) await run(reader.url, turn(text));
  await Promise.all([
    run(reader.url, turn('list customers'), { connections: 1, duration: SECONDS * 2 }),
    run(writer.url, turn('invite customer'), { connections: 10, overallRate: 200, duration: SECONDS * 2 }),
  ]);
  return { idle, loaded: reader.rssMb() };
}

function copyOf(fixture: string, name: string): string {
  const dir = join(work, `${name}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  copyFileSync(fixture, join(dir, 'db.json'));
  return join(dir, 'db.json');
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const fixture = join(work, 'fixture.json');
  const realSized = join(work, 'real-sized.json');
  progress(`writing ${CUSTOMERS.toLocaleString('en')} customers, and 2,000 real-sized ones`);
  writeSnapshot(fixture, CUSTOMERS, { admins: ADMINS });
  writeSnapshot(realSized, 2_000, { admins: ADMINS, users: 300, subscriptions: 15 });
  const standIns = await startStandIns();
  const postgres = await startPostgres();
  const all: Figures[] = [];
  const slack = { SLACK_SIGNING_SECRET: 'bench-signing-secret', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: standIns.slackApiUrl };
  try {
    for (let run = 1; run <= RUNS; run++) {
      const f: Figures = {};
      progress(`run ${run}: the data file, ${CUSTOMERS.toLocaleString('en')} customers`);
      const bot = await startProcess(process.execPath, BOT, {
        DATA_FILE: copyOf(fixture, 'file'),
        BOOTSTRAP_ADMINS: 'teams:aad-admin,slack:UADMIN',
        ...slack,
      });
      ({ idle: f.rssIdleMb!, loaded: f.rssMb! } = await underLoad(bot, bot, standIns.connectorUrl));
      await bot.stop();

      progress(`run ${run}: the data file, 2,000 real-sized customers (details opened too)`);
      const sized = await startProcess(process.execPath, BOT, {
        DATA_FILE: copyOf(realSized, 'sized'),
        BOOTSTRAP_ADMINS: 'teams:aad-admin,slack:UADMIN',
        ...slack,
      });
      ({ idle: f.realRssIdleMb!, loaded: f.realRssMb! } = await underLoad(sized, sized, standIns.connectorUrl, [
        'customer adatum bakery 0',
      ]));
      await sized.stop();

      progress(`run ${run}: PostgreSQL, two replicas, ${CUSTOMERS.toLocaleString('en')} customers`);
      const database = await postgres.database();
      await loadSnapshot(database, fixture);
      const env = { DATABASE_URL: database, BOOTSTRAP_ADMINS: 'teams:aad-admin' };
      const a = await startProcess(process.execPath, BOT, env);
      const b = await startProcess(process.execPath, BOT, env);
      ({ idle: f.pgRssIdleMb!, loaded: f.pgRssMb! } = await underLoad(a, b, standIns.connectorUrl));
      f.pgRssWriterMb = b.rssMb();
      await a.stop();
      await b.stop();
      progress(`run ${run}: ${JSON.stringify(f)}`);
      all.push(f);
    }
  } finally {
    await postgres.stop();
    await standIns.close();
    rmSync(work, { recursive: true, force: true });
  }
  const m = (key: string) => Math.round(median(all.map((f) => f[key]!)));
  process.stdout.write(
    `\nRSS on ${machine()}, median of ${RUNS}, ${SECONDS} s per load:\n` +
      `- data file, ${CUSTOMERS.toLocaleString('en')} customers: ${m('rssMb')} MB after the load (${m('rssIdleMb')} MB just started)\n` +
      `- PostgreSQL, ${CUSTOMERS.toLocaleString('en')} customers: replica A ${m('pgRssMb')} MB after the load (${m('pgRssIdleMb')} MB just started), replica B ${m('pgRssWriterMb')} MB\n` +
      `- data file, 2,000 customers of 300 users and 15 subscriptions: ${m('realRssMb')} MB after the load (${m('realRssIdleMb')} MB just started)\n`,
  );
}

await main();
