/** Runs the project's real entry points as child processes, in a clean environment, on free ports. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Only what a process needs to run, nothing from the machine's configuration: a developer's
 * SLACK_* or MicrosoftApp* variables must not change what a test starts.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'SystemRoot'];
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when `pattern` appears on stdout or stderr; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once the process ended; rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node --import tsx <script> ...args`, or `<wrap...> node ...` (e.g. in a fresh PID
 * namespace, in its own process group); killed at the end of the test file if still running.
 */
export function run(script: string, args: string[], env: NodeJS.ProcessEnv, wrap: string[] = []): Running {
  return runCommand([...wrap, process.execPath, '--import', 'tsx', join(ROOT, script), ...args], env, { group: wrap.length > 0 });
}

/** Starts any command (in its own process group with `group`); killed at the end of the test file if still running. */
export function runCommand(command: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; group?: boolean } = {}): Running {
  const child = spawn(command[0]!, command.slice(1), { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], detached: options.group ?? false });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  running.add(child);
  void exit.then(() => running.delete(child));
  const bounded = <T>(promise: Promise<T>, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms; stdout: ${out}\nstderr: ${err}`)), timeoutMs);
      promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, timeoutMs = 20_000) =>
      bounded(
        new Promise<RegExpMatchArray>((resolve, reject) => {
          const check = () => {
            const match = pattern.exec(out) ?? pattern.exec(err);
            if (match) {
              child.stdout!.off('data', check);
              child.stderr!.off('data', check);
              resolve(match);
            }
          };
          child.stdout!.on('data', check);
          child.stderr!.on('data', check);
          void exit.then(() => reject(new Error(`exited before ${pattern}; stdout: ${out}\nstderr: ${err}`)));
          check();
        }),
        timeoutMs,
        `no ${pattern}`,
      ),
    exited: (timeoutMs = 20_000) => bounded(exit, timeoutMs, 'did not exit'),
  };
}

const running = new Set<ChildProcess>();
/** Kills what a failed test left running. */
export function killAll(): void {
  for (const child of running) {
    try {
      // A wrapped child leads its own process group: take all of it (a namespace's processes too).
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
}

/** The refusal a process gets for a data file that live process `pid` holds (store/data-file-lock.ts). */
export const heldBy = (pid: number, dataFile: string) =>
  `another process (pid ${pid} on ${hostname()}) is using it and keeps its lock ${dataFile}.lock fresh; stop that process, or use another data file.`;
