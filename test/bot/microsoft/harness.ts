/**
 * The bot's app (store, service, Microsoft directory and sync) on a temp data file, with the real
 * Graph client against the local stand-in of Microsoft: a pinned clock and a recorded sleep, so
 * Retry-After and back-off are stepped through instead of waited for.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../../bot/app.js';
import { loadConfig } from '../../../bot/config.js';
import { createLogger } from '../../../bot/logger.js';
import { createGraphClient } from '../../../bot/microsoft/graph-client.js';
import type { Actor } from '../../../bot/service/actor.js';
import { tempDir } from '../../helpers.js';
import type { FakeMicrosoft } from '../../fakes/microsoft.js';

export const admin: Actor = { platform: 'cli', userId: 'admin', displayName: 'Ada Admin', locale: 'en' };

export const resellerLinkOf = (tenantId: string) =>
  `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${tenantId}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`;

/** The environment that connects a bot to the stand-in. */
export function microsoftEnv(fake: FakeMicrosoft, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DIRECTORY: 'microsoft',
    MICROSOFT_TENANT_ID: fake.tenantId,
    MICROSOFT_CLIENT_ID: fake.clientId,
    MICROSOFT_CLIENT_SECRET: fake.clientSecret,
    GRAPH_URL: fake.graphUrl,
    MICROSOFT_LOGIN_URL: fake.loginUrl,
    RESELLER_LINK: resellerLinkOf(fake.tenantId),
    ...extra,
  };
}

export async function openApp(
  fake: FakeMicrosoft,
  clock: { now(): Date },
  options: { dataFile?: string; env?: Record<string, string> } = {},
) {
  const dataFile = options.dataFile ?? join(tempDir(), 'db.json');
  const config = loadConfig({
    PORT: '3978',
    PARTNER_NAME: 'Northwind Cloud',
    BOOTSTRAP_ADMINS: 'cli:admin',
    DATA_FILE: dataFile,
    ...microsoftEnv(fake, options.env),
  });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('warn', sink);
  const sleeps: number[] = [];
  const graph = createGraphClient({
    ...config.microsoft!,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger,
  });
  const app = await createApp(config, logger, { clock, graph });
  return { ...app, config, dataFile, logs, sleeps, graph };
}

/** Drafts an invitation and marks it sent with both links in the body; returns it with its GDAP request id. */
export async function sentInvitation(app: Awaited<ReturnType<typeof openApp>>, input: { companyName?: string; providerId?: string } = {}) {
  const draft = await app.service.draftInvitation(admin, {
    acquisition: input.providerId ? 'indirect-provider' : 'own-marketing',
    locale: 'en',
    ...input,
  });
  const sent = await app.service.markInvitationSent(admin, draft.id, { body: draft.body });
  return { id: sent.id, relationshipId: draft.microsoft!.gdapRelationshipId, draft };
}
