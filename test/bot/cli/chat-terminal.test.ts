/**
 * `npm run chat` (bot/cli/chat.ts) in a pseudo-terminal, the way a person runs it: on a TTY it
 * colours its output and reads lines with readline's terminal mode (line editing, history), which
 * the piped tests in chat.test.ts never reach. The pseudo-terminal comes from
 * @homebridge/node-pty-prebuilt-multiarch, whose npm package carries its compiled addon for Linux
 * (x64, arm64, arm; glibc and musl) and every Node ABI we use: nothing to build or download at
 * install, so it is there on any machine after `npm ci`, and a missing one fails here loudly.
 */
import { join } from 'node:path';
import { spawn, type IPty } from '@homebridge/node-pty-prebuilt-multiarch';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, heldBy, killAll, ROOT, run } from '../../fakes/processes.js';
import { tempDir } from '../../helpers.js';

const terminals = new Set<IPty>();
afterEach(() => {
  for (const term of terminals) term.kill('SIGKILL');
  terminals.clear();
  killAll();
});

const ESC = '\u001b';
const RED = `${ESC}[31m`;
const GREEN = `${ESC}[32m`;
const BOLD = `${ESC}[1m`;
/** Keys as a terminal sends them. */
const KEY = { enter: '\r', backspace: '\u007f', up: `${ESC}[A` };

/** The chat on `dataFile` in a pseudo-terminal of 120 columns. */
function chatInTerminal(dataFile: string, args: string[] = []) {
  const term = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot/cli/chat.ts'), '--data', dataFile, ...args], {
    name: 'xterm-256color',
    cols: 120,
    rows: 40,
    cwd: ROOT,
    env: cleanEnv({ PARTNER_NAME: 'Northwind Cloud', TERM: 'xterm-256color' }) as Record<string, string>,
  });
  terminals.add(term);
  let screen = '';
  term.onData((data) => (screen += data));
  const exit = new Promise<number>((resolve) =>
    term.onExit(({ exitCode }) => {
      terminals.delete(term);
      resolve(exitCode);
    }),
  );
  let ended = false;
  void exit.then(() => (ended = true));
  return {
    /** Everything the terminal showed, escape sequences included. */
    screen: () => screen,
    /** Resolves once `text` has been shown `times` times in all. */
    async shows(text: string, times = 1, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (screen.split(text).length - 1 < times) {
        if (ended) throw new Error(`the chat ended before showing ${JSON.stringify(text)}; it showed: ${JSON.stringify(screen)}`);
        if (Date.now() > deadline)
          throw new Error(`${JSON.stringify(text)} not shown within ${timeoutMs} ms; it showed: ${JSON.stringify(screen)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    type: (keys: string) => term.write(keys),
    exited: (timeoutMs = 30_000) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`still running; it showed: ${JSON.stringify(screen)}`)), timeoutMs).unref(),
        ),
      ]),
  };
}

describe('npm run chat in a terminal', () => {
  it(
    'acts as the user given with --as, colours its answers and edits lines like a terminal (backspace, history)',
    { timeout: 120_000 },
    async () => {
      const dataFile = join(tempDir(), 'db.json');
      const admin = chatInTerminal(dataFile);
      await admin.shows('Acting as admin (Global admin)');
      await admin.shows('admin > ');
      admin.type(`grant sales-agent cli:alice${KEY.enter}`);
      // A success, in green.
      await admin.shows(`${GREEN}cli:alice is now Sales agent.`);
      admin.type(`exit${KEY.enter}`);
      expect(await admin.exited()).toBe(0);

      const alice = chatInTerminal(dataFile, ['--as', 'alice']);
      await alice.shows('Acting as alice (Sales agent)');
      await alice.shows('alice > ');
      // A typo corrected with backspace: only readline's terminal mode makes this "whoami".
      alice.type(`whoamx${KEY.backspace}i${KEY.enter}`);
      const answer = 'You are alice (cli:alice); your role: Sales agent.';
      await alice.shows(answer);
      // The same command again from the history (arrow up).
      alice.type(`${KEY.up}${KEY.enter}`);
      await alice.shows(answer, 2);
      // A Sales agent cannot invite: the refusal, in red, and no link.
      alice.type(`invite customer${KEY.enter}`);
      await alice.shows(`${RED}Only a Global admin or an Admin agent can do that`);
      alice.type(`help${KEY.enter}`);
      await alice.shows(`${BOLD}What I can do`);
      alice.type(`exit${KEY.enter}`);
      expect(await alice.exited()).toBe(0);
      expect(alice.screen()).not.toContain('/invitations/');
    },
  );

  it('refuses, in the terminal, a data file the server has open', { timeout: 120_000 }, async () => {
    const dataFile = join(tempDir(), 'db.json');
    const server = run('bot/main.ts', [], cleanEnv({ PORT: String(await freePort()), DATA_FILE: dataFile, LOG_LEVEL: 'info' }));
    await server.waitFor(/listening on/, 30_000);
    const chat = chatInTerminal(dataFile);
    expect(await chat.exited()).toBe(1);
    expect(chat.screen()).toContain(`Cannot open data file ${dataFile}: ${heldBy(server.child.pid!, dataFile)}`);
    expect(chat.screen()).not.toContain('Acting as');
    server.child.kill('SIGTERM');
    expect((await server.exited()).code).toBe(0);
  });
});
