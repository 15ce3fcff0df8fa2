/**
 * The terminal chat (bot/cli/terminal.ts) in process, on a pair of streams: the header, who
 * `--as` acts as, the prompt, colour only on a TTY without NO_COLOR, `--demo`'s own data file,
 * and what it says when it cannot run. chat.test.ts and chat-terminal.test.ts run the real
 * entry point as a child process, through pipes and in a pseudo-terminal.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/config.js';
import { chatFailure, runChat } from '../../../bot/cli/terminal.js';
import { openJournalStore } from '../../../store/journal-store.js';
import { StoreOpenError } from '../../../store/store.js';
import { tempDir } from '../../helpers.js';

/** Runs a chat on `lines` typed in, then the end of the input; resolves with all it wrote. */
async function chat(args: string[], lines: string[], options: { env?: NodeJS.ProcessEnv; tty?: boolean } = {}) {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end(lines.map((l) => `${l}\n`).join(''));
  await runChat({ args, env: { PARTNER_NAME: 'Northwind Cloud', ...options.env }, input, output, terminal: false });
  return text;
}

describe('runChat', () => {
  it(
    'acts as the user given with --as, in the language given with --locale, and prompts with their name',
    { timeout: 60_000 },
    async () => {
      const dataFile = join(tempDir(), 'db.json');
      const admin = await chat(['--data', dataFile], ['grant sales-agent cli:alice', 'exit', 'whoami']);
      expect(admin).toContain(`Northwind Cloud · ${dataFile}\n`);
      expect(admin).toContain('Acting as admin (Global admin). Type `help`, or `exit` to leave.');
      expect(admin).toContain('admin > ');
      expect(admin).toContain('cli:alice is now Sales agent.');
      // `exit` ends the chat: the line after it is never answered.
      expect(admin).not.toContain('You are admin');

      const alice = await chat(['--data', dataFile, '--as', 'alice', '--locale', 'it'], ['chi sono']);
      expect(alice).toContain('Usi il bot come alice (Agente vendite). Scrivi `aiuto`, o `esci` per uscire.');
      expect(alice).toContain('Sei alice (cli:alice); il tuo ruolo: Agente vendite.');
      expect(alice).toContain('alice > ');
      // Without LOG_LEVEL the logs go to chat.log beside the data file, never to the screen.
      expect(alice).not.toContain('"level"');
      expect(existsSync(join(dataFile, '..', 'chat.log'))).toBe(true);
    },
  );

  it(
    'while it asks a question shows no prompt, and on exit leaves an input still open and releases the data file',
    { timeout: 60_000 },
    async () => {
      const dataFile = join(tempDir(), 'db.json');
      const input = new PassThrough();
      const output = new PassThrough();
      let text = '';
      output.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const running = runChat({ args: ['--data', dataFile], env: { PARTNER_NAME: 'Northwind Cloud' }, input, output, terminal: false });
      const shown = async (pattern: RegExp) => expect.poll(() => text, { timeout: 20_000 }).toMatch(pattern);
      await shown(/admin > $/);
      input.write('invite customer\n');
      await shown(/\[(\d+)\] Edit subject[\s\S]*admin > $/);
      const edit = /\[(\d+)\] Edit subject/.exec(text)![1]!;
      input.write(`${edit}\n`);
      await shown(/New subject:\n\n?$/);
      input.write('Welcome\n');
      await shown(/Text to copy:\n {2}Welcome\n[\s\S]*admin > $/);
      input.write('exit\n');
      await running;
      // The store is closed: the file is free for the next process.
      const again = await openJournalStore({ file: dataFile });
      await again.close();
    },
  );

  it('colours its answers on a TTY, and not with NO_COLOR', { timeout: 60_000 }, async () => {
    const dataFile = join(tempDir(), 'db.json');
    const ESC = '\u001b[';
    expect(await chat(['--data', dataFile], ['help'], { tty: true })).toContain(ESC);
    expect(await chat(['--data', dataFile], ['help'], { tty: true, env: { NO_COLOR: '1' } })).not.toContain(ESC);
    expect(await chat(['--data', dataFile], ['help'])).not.toContain(ESC);
  });

  it('with --demo, uses demo.json beside DATA_FILE and lists its sample customers', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const out = await chat(['--demo'], ['list customers'], { env: { DATA_FILE: join(dir, 'db.json') } });
    expect(out).toContain(`· ${join(dir, 'demo.json')}\n`);
    expect(existsSync(join(dir, 'demo.json'))).toBe(true);
    expect(existsSync(join(dir, 'db.json'))).toBe(false);
    expect(out).toContain('Adatum Corporation');
  });

  it('says only the sentence of a refused configuration or data file, and anything else whole', async () => {
    await expect(chat([], [], { env: { LOG_LEVEL: 'loud' } })).rejects.toBeInstanceOf(ConfigError);
    expect(chatFailure(new ConfigError(['LOG_LEVEL is wrong.']))).toBe('Configuration problems:\n  - LOG_LEVEL is wrong.');
    const refused = new StoreOpenError('/data/db.json', 'it is held');
    expect(chatFailure(refused)).toBe('Cannot open data file /data/db.json: it is held');
    const other = new TypeError('boom');
    expect(chatFailure(other)).toBe(other);
  });
});
