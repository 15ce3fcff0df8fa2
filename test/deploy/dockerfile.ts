/**
 * Runs a Dockerfile's lines on this machine, where Docker cannot build: each stage's filesystem is
 * a folder, COPY copies, RUN runs in `sh -c`, and the last stage's ENV, USER, VOLUME, HEALTHCHECK
 * and CMD come back for the test to start. An instruction it does not know fails, so the
 * Dockerfile cannot grow a step this does not run.
 *
 * What differs from Docker, on purpose and nowhere else:
 * - the image's absolute folders (its WORKDIRs and VOLUMEs, e.g. /app, /data) sit under the
 *   stage's folder, in RUN lines and paths alike;
 * - USER's name (and `name:name` in RUN lines) stands for the unprivileged user given;
 * - a RUN line `substitute` claims is done its way (the test copies node_modules rather than
 *   downloading it again with `npm ci`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** The instructions, stage by stage (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    while (line.endsWith('\\')) {
      line = line.slice(0, -1);
      // Comment lines inside a continuation are dropped, as Docker does.
      do i++;
      while (i < lines.length && lines[i]!.trim().startsWith('#'));
      line += ` ${(lines[i] ?? '').trim()}`;
    }
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword!.toUpperCase(), args: args!.trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(/\s+/);
      stages.push({ base: base!, name: as?.toUpperCase() === 'AS' ? name! : String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** What the last stage leaves for `docker run`. */
export interface Image {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
  volumes: string[];
  healthcheck: string[] | null;
  cmd: string[] | null;
  /** An image path (/data/db.json) as a path on this machine. */
  path(imagePath: string): string;
}

export interface BuildOptions {
  /** The build context (the repository). */
  context: string;
  /** Each stage's filesystem goes to `<out>/<stage name>`. */
  out: string;
  /** The unprivileged user USER stands for. */
  user: { name: string; uid: number; gid: number };
  /** The environment RUN lines start from (a PATH whose `node` is the base image's version). */
  env: NodeJS.ProcessEnv;
  /** Does a RUN line its own way and returns true, or returns false to let it run as written. */
  substitute(command: string, cwd: string): boolean;
  log(line: string): void;
}

/** Runs every stage; returns the last one as an image. */
export function buildDockerfile(stages: Stage[], options: BuildOptions): Image {
  const imagePaths = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'WORKDIR' || i.keyword === 'VOLUME').flatMap((i) => words(i.args)));
  const roots = new Map<string, string>();
  let image: Image | null = null;
  for (const stage of stages) {
    const root = join(options.out, stage.name);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    const state: Image = {
      root,
      workdir: '/',
      env: {},
      user: null,
      volumes: [],
      healthcheck: null,
      cmd: null,
      path: (p) => (isAbsolute(p) ? join(root, p) : join(root, state.workdir, p)),
    };
    // The image's folders, wherever they appear in a RUN line, and USER's name:name.
    const mapLine = (command: string) => {
      let mapped = command;
      for (const p of imagePaths) mapped = mapped.replace(new RegExp(`(^|[\\s=:'"])${escape(p)}(?=[/\\s'";&|]|$)`, 'g'), `$1${join(root, p)}`);
      const user = stages.flatMap((s) => s.instructions).find((i) => i.keyword === 'USER')?.args;
      if (user) mapped = mapped.replace(new RegExp(`\\b${escape(user)}:${escape(user)}\\b`, 'g'), `${options.user.uid}:${options.user.gid}`);
      return mapped;
    };
    for (const { keyword, args, line } of stage.instructions) {
      const where = `Dockerfile line ${line} (${keyword} ${args.slice(0, 60)})`;
      switch (keyword) {
        case 'WORKDIR':
          state.workdir = isAbsolute(args) ? args : join(state.workdir, args);
          mkdirSync(state.path(state.workdir), { recursive: true });
          break;
        case 'ENV':
          for (const [name, value] of envPairs(args)) state.env[name] = value;
          break;
        case 'COPY': {
          const parts = words(args);
          const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
          const flags = parts.filter((p) => p.startsWith('--'));
          if (flags.some((f) => !f.startsWith('--from='))) throw new Error(`${where}: only --from is run here`);
          const [dest, ...sources] = parts.filter((p) => !p.startsWith('--')).reverse();
          const target = state.path(dest!);
          for (const source of sources.reverse()) {
            const origin = from === undefined ? join(options.context, source) : join(roots.get(from) ?? fail(`${where}: no stage ${from}`), source);
            const into = dest!.endsWith('/') || sources.length > 1 ? join(target, source.split('/').at(-1)!) : target;
            mkdirSync(dirname(into), { recursive: true });
            // From another stage (node_modules, dist): hard links, as fast as Docker's layer reuse;
            // nothing writes to them afterwards. From the repository: real copies, which RUN lines change.
            if (from !== undefined) sh(`cp -al ${quote(origin)} ${quote(into)}`, root, options.env, where);
            else cpSync(origin, into, { recursive: true });
          }
          break;
        }
        case 'RUN': {
          const command = mapLine(args);
          const cwd = state.path(state.workdir);
          if (options.substitute(command, cwd)) break;
          options.log(`RUN ${command}`);
          sh(command, cwd, { ...options.env, ...state.env }, where);
          break;
        }
        case 'USER':
          state.user = args;
          break;
        case 'VOLUME':
          state.volumes.push(...words(args));
          break;
        case 'EXPOSE':
          break;
        case 'HEALTHCHECK': {
          const cmd = /\bCMD\s+(\[.*\])\s*$/.exec(args)?.[1] ?? fail(`${where}: HEALTHCHECK needs CMD in exec form`);
          state.healthcheck = JSON.parse(cmd) as string[];
          break;
        }
        case 'CMD':
          if (!args.startsWith('[')) throw new Error(`${where}: CMD must be in exec form`);
          state.cmd = JSON.parse(args) as string[];
          break;
        default:
          throw new Error(`${where}: this runner does not know ${keyword}; teach it (test/deploy/dockerfile.ts) what Docker does`);
      }
    }
    image = state;
  }
  return image ?? fail('the Dockerfile has no stage');
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv, where: string): void {
  const result = spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${where} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/** `A=1 B="two words"` or the older `A 1`. */
function envPairs(args: string): Array<[string, string]> {
  if (!/^\S+=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return [[name!, value.join(' ')]];
  }
  return words(args).map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

/** Splits on blanks, keeping "double-quoted" words whole (quotes dropped), or reads a JSON array. */
function words(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return [...args.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
function fail(message: string): never {
  throw new Error(message);
}
