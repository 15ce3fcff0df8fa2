/** The terminal chat over any pair of streams: chat.ts runs it on stdin and stdout; tests run it in process too. */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { createApp } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { StoreOpenError } from '../../store/store.js';
import { urlSecrets } from '../../store/pg/redact.js';
import { toLocale } from '../../i18n/catalogue.js';
import { createChatSession } from './session.js';
import { chatLogDestination } from './chat-log.js';
import { ansi, plain } from '../../render/text/render-text.js';
import { roleName, toBatchProgressView } from '../../views/index.js';
import { createBatchRunner } from '../notifications/batch-runner.js';
import { progressOf } from '../service/bulk-invitations.js';
import type { Batch } from '../../store/schema.js';

export interface ChatStreams {
  /** The command line after the script (`--as`, `--locale`, `--demo`, `--data`). */
  args: string[];
  env: NodeJS.ProcessEnv;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Readline's terminal mode (line editing, history): on when the input is a TTY. */
  terminal: boolean;
}

/** Runs one chat until `exit` or the end of the input, then closes the store. */
export async function runChat({ args, env, input, output, terminal }: ChatStreams): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      as: { type: 'string', default: 'admin' },
      locale: { type: 'string' },
      demo: { type: 'boolean', default: false },
      data: { type: 'string' },
    },
  });
  const print = (line: string) => output.write(`${line}\n`);
  const config = loadConfig(env);
  const dataFile = values.data ?? (values.demo ? join(dirname(config.dataFile), 'demo.json') : config.dataFile);
  // The terminal shows the conversation only: logs go to stderr when LOG_LEVEL asks, to a file otherwise.
  const logs = chatLogDestination(env.LOG_LEVEL ? config.logLevel : null, dataFile);
  const logger = createLogger(logs.level, logs.stream, { secrets: config.databaseUrl ? urlSecrets(config.databaseUrl) : [] });
  // Whoever runs the terminal chat can read the data file anyway: "cli:admin" is a Global admin here.
  const app = await createApp(
    {
      ...config,
      dataFile,
      databaseUrl: values.data || values.demo ? null : config.databaseUrl,
      bootstrapAdmins: [...config.bootstrapAdmins, 'cli:admin'],
    },
    logger,
    { demo: values.demo },
  );
  const locale = toLocale(values.locale ?? env.LANG);
  const user = values.as!;
  const turn = {
    actor: { platform: 'cli' as const, userId: user, displayName: user, locale },
    conversation: { platform: 'cli' as const, conversationId: 'terminal', name: 'terminal' },
  };
  const color = output.isTTY && !env.NO_COLOR;
  const session = createChatSession({ conversation: app.conversation, turn, out: print, style: color ? ansi : plain });
  await app.service.identify(turn.actor);
  const me = app.service.whoami(turn.actor);
  print(`${app.service.partner()?.name ?? ''} · ${app.cluster ? 'DATABASE_URL' : dataFile}`);
  print(
    `${locale === 'it' ? 'Usi il bot come' : 'Acting as'} ${user} (${roleName(locale, me.role)}). ${locale === 'it' ? 'Scrivi `aiuto`, o `esci` per uscire.' : 'Type `help`, or `exit` to leave.'}\n`,
  );
  await session.welcome();
  // Bulk invitations run here too (the server cannot have the data file open meanwhile); the end of one is said when it comes.
  const batches = createBatchRunner({ store: app.store, work: app.service, logger, cluster: app.cluster });
  app.store.watch(({ collection, before, after }) => {
    const [was, is] = [before as Batch | undefined, after as Batch | undefined];
    if (collection === 'batches' && is && was?.status === 'running' && is.status !== 'running')
      session.notice([toBatchProgressView({ locale: is.locale }, progressOf(is))]);
  });
  batches.start();

  const rl = createInterface({ input, output, terminal });
  let open = true;
  rl.on('close', () => (open = false));
  rl.setPrompt(`${user} > `);
  rl.prompt();
  for await (const line of rl) {
    if (/^(exit|quit|esci)$/i.test(line.trim())) break;
    await session.input(line);
    if (!open) continue;
    rl.setPrompt(session.prompt ? `${user} > ` : '');
    rl.prompt();
  }
  if (open) rl.close();
  await batches.stop();
  await app.store.close();
}

/** What the chat says when it cannot run: the sentence of a refused configuration or data file, anything else whole. */
export function chatFailure(error: unknown): unknown {
  return error instanceof ConfigError || error instanceof StoreOpenError ? error.message : error;
}
