/**
 * Every check of a deployment, from its configuration: what `npm run doctor` prints and what
 * `status` shows admins. `runDoctor` looks from outside (the store read only, without its lock;
 * its own Graph client); a running bot passes its own Graph client and store (createApp).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectDataFile } from '../store/inspect.js';
import { inspectDatabase } from '../store/pg/inspect.js';
import type { Connection } from '../store/schema.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { guarded, type Check } from './service/check.js';
import { botFrameworkCheck, publicUrlCheck, slackCheck } from './doctor/endpoints.js';
import { partnerCenterCheck, webhookCheck } from './doctor/partner-center.js';
import { storeCheck } from './doctor/store.js';
import { describeCredential } from './microsoft/credential-config.js';
import type { GraphClient } from './microsoft/graph.js';
import { createWebhookRegistrationClient } from './partner-center/webhook-registration.js';
import { checksTable } from '../views/checks.js';

export type CheckedConfig = Pick<Config, 'publicUrl'> &
  Partial<Pick<Config, 'microsoft' | 'teams' | 'slack' | 'partnerCenterWebhook'>>;

export interface CheckInputs {
  graph: GraphClient | null;
  store: Check;
  /** The Partner Center sign-in's record, and a token from it (null when there is none). */
  partnerCenter: Connection | null;
  partnerCenterToken: (() => Promise<string>) | null;
  /** The stored sign-in cannot be decrypted with TOKEN_ENCRYPTION_KEY (the key changed). */
  partnerCenterKeyChanged?: boolean;
  now: Date;
  fetch?: typeof fetch;
}

/** The scopes manifest/slack/manifest.json asks for, found from here in the source tree and in dist/. */
export function slackManifestScopes(): string[] {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'manifest', 'slack', 'manifest.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { oauth_config?: { scopes?: { bot?: string[] } } };
      return manifest.oauth_config?.scopes?.bot ?? [];
    }
    if (dirname(dir) === dir) throw new Error('manifest/slack/manifest.json was not found above the bot');
  }
}

export async function deploymentChecks(config: CheckedConfig, inputs: CheckInputs): Promise<Check[]> {
  const microsoft = config.microsoft ?? null;
  const usable = inputs.partnerCenter && !inputs.partnerCenter.lostAt && !inputs.partnerCenterKeyChanged;
  const connected = usable ? inputs.partnerCenterToken : null;
  const graph = inputs.graph;
  const groups = await Promise.all([
    [publicUrlCheck(config.publicUrl)],
    [inputs.store],
    guarded('doctor.area.teams', () => botFrameworkCheck(config.teams ?? null, inputs.fetch)),
    guarded('doctor.area.slack', () => slackCheck(config.slack ?? null, slackManifestScopes(), inputs.fetch)),
    microsoft && graph
      ? guarded('doctor.area.graphCredential', async () => {
          const { graphChecks } = await import('./microsoft/checks.js');
          return graphChecks(graph, { clientId: microsoft.clientId, credential: describeCredential(microsoft.credential), resellerLink: microsoft.resellerLink });
        })
      : [],
    [partnerCenterCheck({ microsoft: Boolean(microsoft), encryptionKey: Boolean(microsoft?.partnerCenter.encryptionKey), connection: inputs.partnerCenter, keyChanged: Boolean(inputs.partnerCenterKeyChanged) }, inputs.now)],
    guarded('doctor.area.webhooks', () =>
      webhookCheck({
        token: config.partnerCenterWebhook?.token ?? null,
        publicUrl: config.publicUrl,
        client: connected && microsoft ? createWebhookRegistrationClient({ accessToken: connected, baseUrl: microsoft.partnerCenter.apiUrl, fetch: inputs.fetch }) : null,
      }),
    ),
  ]);
  return groups.flat();
}

/** `npm run doctor`: everything from outside the running bot, changing nothing. */
export async function runDoctor(config: Config): Promise<Check[]> {
  const found = config.databaseUrl ? await inspectDatabase(config.databaseUrl) : await inspectDataFile(config.dataFile);
  const microsoft = config.microsoft;
  // One retry: the doctor says what is wrong, it does not wait out an outage.
  const graph = microsoft ? (await import('./microsoft/graph-client.js')).createGraphClient({ ...microsoft, maxRetries: 1 }) : null;
  const key = microsoft?.partnerCenter.encryptionKey;
  const connection = found.partnerCenter;
  let partnerCenterToken: (() => Promise<string>) | null = null;
  let partnerCenterKeyChanged = false;
  if (microsoft && key && connection) {
    const { createPartnerCenterAuth } = await import('./partner-center/auth.js');
    // The stored cache, read only: a refreshed token is used here and never written back.
    const auth = createPartnerCenterAuth({
      tenantId: microsoft.tenantId,
      clientId: microsoft.partnerCenter.clientId,
      authorityHost: microsoft.partnerCenter.loginUrl,
      cache: { load: () => connection.encryptedCache, save: async () => {}, clear: async () => {} },
      encryptionKey: key,
      clock: systemClock,
    });
    partnerCenterToken = () => auth.accessToken();
    partnerCenterKeyChanged = !auth.canReadCache();
  }
  return deploymentChecks(config, { graph, store: storeCheck(found), partnerCenter: connection, partnerCenterToken, partnerCenterKeyChanged, now: systemClock.now() });
}

/**
 * `npm run doctor`'s whole answer from `env`: the table, and 1 when something configured does not
 * work (or the configuration itself is refused), 0 otherwise.
 */
export async function doctorReport(env: NodeJS.ProcessEnv): Promise<{ code: number; text: string }> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { code: 1, text: `FAIL  Configuration\n${error.problems.map((p) => `      ${p}`).join('\n')}\n\nFix the configuration first: the bot would not start.` };
  }
  const checks = await runDoctor(config);
  return { code: checks.some((c) => c.state === 'fail') ? 1 : 0, text: checksTable('en', checks) };
}
