/** `npm run chat`: try every command in a terminal, on the same service and data file. */
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { as: { type: 'string', default: 'admin' }, locale: { type: 'string' }, demo: { type: 'boolean', default: false }, data: { type: 'string' } },
  });
  const config = loadConfig(process.env);
  const dataFile = values.data ?? (values.demo ? join(dirname(config.dataFile), 'demo.json') : config.dataFile);
  // The terminal shows the conversation only: logs go to stderr when LOG_LEVEL asks, to a file otherwise.
  const logs = chatLogDestination(process.env.LOG_LEVEL ? config.logLevel : null, dataFile);
  const logger = createLogger(logs.level, logs.stream, { secrets: config.databaseUrl ? urlSecrets(config.databaseUrl) : [] });
  // Whoever runs the terminal chat can read the data file anyway: "cli:admin" is a Global admin here.
  const app = await createApp({ ...config, dataFile, databaseUrl: values.data || values.demo ? null : config.databaseUrl, bootstrapAdmins: [...config.bootstrapAdmins, 'cli:admin'] }, logger, { demo: values.demo });
  const locale = toLocale(values.locale ?? process.env.LANG);
  const user = values.as!;
  const turn = { actor: { platform: 'cli' as const, userId: user, displayName: user, locale }, conversation: { platform: 'cli' as const, conversationId: 'terminal', name: 'terminal' } };
  const color = process.stdout.isTTY && !process.env.NO_COLOR;
  const session = createChatSession({ conversation: app.conversation, turn, out: (l) => console.log(l), style: color ? ansi : plain });
  await app.service.identify(turn.actor);
  const me = app.service.whoami(turn.actor);
  console.log(`${app.service.partner()?.name ?? ''} · ${app.cluster ? 'DATABASE_URL' : dataFile}`);
  console.log(`${locale === 'it' ? 'Usi il bot come' : 'Acting as'} ${user} (${roleName(locale, me.role)}). ${locale === 'it' ? 'Scrivi `aiuto`, o `esci` per uscire.' : 'Type `help`, or `exit` to leave.'}\n`);
  await session.welcome();
  // Bulk invitations run here too (the server cannot have the data file open meanwhile); the end of one is said when it comes.
  const batches = createBatchRunner({ store: app.store, work: app.service, logger, cluster: app.cluster });
  app.store.watch(({ collection, before, after }) => {
    const [was, is] = [before as Batch | undefined, after as Batch | undefined];
    if (collection === 'batches' && is && was?.status === 'running' && is.status !== 'running')
      session.notice([toBatchProgressView({ locale: is.locale }, progressOf(is))]);
  });
  batches.start();

  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
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

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreOpenError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
