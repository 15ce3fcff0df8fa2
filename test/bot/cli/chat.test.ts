/**
 * `npm run chat` (bot/cli/chat.ts) as a child process, its stdin and stdout piped: who `--as`
 * acts as, and the lock that keeps it and the server off the same data file. The same in a
 * pseudo-terminal (colour, readline's terminal mode): chat-terminal.test.ts.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, heldBy, killAll, run } from '../../fakes/processes.js';
import { tempDir } from '../../helpers.js';

afterEach(() => killAll());

/** Types `lines` into a chat on `dataFile`, then ends the input; resolves with what it printed. */
async function chat(dataFile: string, args: string[], lines: string[]) {
  const session = run('bot/cli/chat.ts', ['--data', dataFile, ...args], cleanEnv({ PARTNER_NAME: 'Northwind Cloud' }));
  session.child.stdin!.end(lines.map((l) => `${l}\n`).join(''));
  const exit = await session.exited(30_000);
  return { ...exit, out: session.stdout(), err: session.stderr() };
}

describe('npm run chat', () => {
  it('acts as the user given with --as, with the role the data file gives them', { timeout: 60_000 }, async () => {
    const dataFile = join(tempDir(), 'db.json');
    const admin = await chat(dataFile, [], ['grant sales-agent cli:alice', 'exit']);
    expect(admin.code).toBe(0);
    expect(admin.out).toContain('Acting as admin (Global admin)');
    expect(admin.out).toContain('cli:alice is now Sales agent.');
    // An Italian terminal, and Italian commands (an English command would be answered in English).
    const alice = await chat(dataFile, ['--as', 'alice', '--locale', 'it'], ['chi sono', 'invita cliente', 'whoami']);
    expect(alice.code).toBe(0);
    expect(alice.out).toContain('Usi il bot come alice (Agente vendite)');
    expect(alice.out).toContain('Sei alice (cli:alice); il tuo ruolo: Agente vendite.');
    // A Sales agent cannot invite: the refusal, not a draft.
    expect(alice.out).toMatch(/Solo un amministratore globale o un agente amministratore/);
    // Her role in Partner Center's words, never its id.
    expect(alice.out).toContain('il tuo ruolo è Agente vendite');
    expect(alice.out).not.toContain('sales-agent.');
    expect(alice.out).not.toContain('/invitations/');
    expect(alice.out).toContain('You are alice (cli:alice); your role: Sales agent.');
    // The terminal shows the conversation only: no log line on stdout or stderr without LOG_LEVEL.
    for (const session of [admin, alice]) expect(session.out + session.err).not.toContain('"level"');
  });

  it('refuses a data file the server has open, and the server refuses one the chat has open', { timeout: 60_000 }, async () => {
    const dataFile = join(tempDir(), 'db.json');
    const server = run('bot/main.ts', [], cleanEnv({ PORT: String(await freePort()), DATA_FILE: dataFile, LOG_LEVEL: 'info' }));
    await server.waitFor(/listening on/, 30_000);
    const refused = await chat(dataFile, [], ['help']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`Cannot open data file ${dataFile}: ${heldBy(server.child.pid!, dataFile)}`);
    expect(refused.out).not.toContain('Acting as');
    server.child.kill('SIGTERM');
    expect((await server.exited()).code).toBe(0);

    // The other way round: a chat still open (its input not ended) holds the file.
    const open = run('bot/cli/chat.ts', ['--data', dataFile], cleanEnv({}));
    await open.waitFor(/Acting as admin/, 30_000);
    const second = run('bot/main.ts', [], cleanEnv({ PORT: String(await freePort()), DATA_FILE: dataFile, LOG_LEVEL: 'info' }));
    const exit = await second.exited(30_000);
    expect(exit.code).toBe(1);
    expect(second.stderr()).toContain(`Cannot start: Cannot open data file ${dataFile}: ${heldBy(open.child.pid!, dataFile)}`);
    open.child.stdin!.end('exit\n');
    expect((await open.exited()).code).toBe(0);
  });
});
