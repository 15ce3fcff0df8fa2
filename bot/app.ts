/** Builds the parts every entry point shares: store, service, conversation logic. */
import { openJournalStore } from '../store/journal-store.js';
import type { Store } from '../store/store.js';
import type { StoreFs } from '../store/durable-file.js';
import type { Config, MicrosoftConfig } from './config.js';
import type { GraphClient } from './microsoft/graph.js';
import { describeCredential } from './microsoft/credential-config.js';
import { createMicrosoftDirectory } from './microsoft/directory.js';
import { createMicrosoftSync } from './microsoft/sync.js';
import { CONNECTION_ID, createPartnerCenterLink, storedCache } from './partner-center/connection.js';
import { deploymentChecks } from './deployment-checks.js';
import { runningStoreCheck } from './doctor/store.js';
import { createPartnerCenterFeatures } from './partner-center/features.js';
import type { ActorRef } from '../store/schema.js';
import type { Cluster } from '../store/cluster.js';
import { openPgStore } from '../store/pg/pg-store.js';
import { createConversation } from './conversation/handler.js';
import type { Logger } from './logger.js';
import { createService, type Notifier } from './service/index.js';
import { ensurePartner } from './service/partner.js';
import type { ServiceEvent } from './service/events.js';
import { seedDemo } from './demo.js';
import { systemClock, type Clock } from './clock.js';
import { commitTimer } from './telemetry.js';

/**
 * Lets the dispatcher hear of service events after the service exists, so deliveries written with
 * an event go out at once instead of at the next poll. Only a nudge: what to send is in the store.
 */
export class EventHub implements Notifier {
  private readonly listeners: Array<(event: ServiceEvent) => void | Promise<void>> = [];
  constructor(private readonly logger: Logger) {}
  on(listener: (event: ServiceEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }
  publish(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(event))
        .catch((err: unknown) => this.logger.error({ err, event: event.type }, 'an event listener failed'));
    }
  }
}

export const AUDIT_KEPT = 10_000;

/** The PostgreSQL store (DATABASE_URL) for several replicas, or the embedded one (DATA_FILE). */
async function openStore(
  config: Pick<Config, 'dataFile' | 'databaseUrl'>,
  logger: Logger,
  fs?: StoreFs,
): Promise<{ store: Store; cluster: Cluster | null }> {
  if (config.databaseUrl) {
    const store = await openPgStore({
      url: config.databaseUrl,
      onError: (err, what) => logger.warn({ err, what }, 'database background work failed; retrying'),
      onCommit: commitTimer('postgres'),
    });
    return { store, cluster: store.cluster };
  }
  const store = await openJournalStore({
    file: config.dataFile,
    onCompactError: (err) =>
      logger.error(
        { err, file: config.dataFile },
        'snapshot rewrite failed; writes go on in the journal, and /healthz reports degraded until the snapshot is written at shutdown',
      ),
    fs,
    onLockWait: (message) => logger.warn({ file: config.dataFile }, message),
    onLockLost: (err) =>
      logger.error(
        { err, file: config.dataFile },
        'the data file lock was taken over: this process stopped writing and /healthz answers 503; restart it',
      ),
    onCommit: commitTimer('journal'),
    // The audit trail only grows: the newest 10,000 events stay in memory, older ones in db.json.audit.jsonl.
    archive: { audit: AUDIT_KEPT },
  });
  return { store, cluster: null };
}

export async function createApp(
  config: Pick<Config, 'dataFile' | 'databaseUrl' | 'publicUrl' | 'bootstrapAdmins' | 'partner'> &
    Partial<Pick<Config, 'microsoft' | 'teams' | 'slack' | 'partnerCenterWebhook' | 'invitationReminders' | 'digest'>>,
  logger: Logger,
  options: { demo?: boolean; store?: Store; clock?: Clock; graph?: GraphClient; storeFs?: StoreFs } = {},
) {
  const clock = options.clock ?? systemClock;
  // `cluster`: what replicas share besides the records (leases, once-only keys); null with one process.
  const { store, cluster } = options.store ? { store: options.store, cluster: null } : await openStore(config, logger, options.storeFs);
  if (options.demo) await seedDemo(store, clock.now());
  await ensurePartner(store, config.partner);
  const events = new EventHub(logger);
  const microsoft = config.microsoft ? await connectMicrosoft(config.microsoft, store, logger, clock, options.graph) : null;
  const service = createService({
    store,
    publicUrl: config.publicUrl,
    bootstrapAdmins: config.bootstrapAdmins,
    partnerNameFromConfig: Boolean(config.partner.name),
    logger,
    notifier: events,
    now: () => clock.now(),
    reminders: config.invitationReminders,
    digest: config.digest,
    directory: microsoft?.directory,
    // `status` shows admins what `npm run doctor` checks, from inside: this store, this Graph client.
    checks: () =>
      deploymentChecks(config, {
        graph: microsoft?.graph ?? null,
        store: runningStoreCheck(store),
        partnerCenter: store.get('connections', CONNECTION_ID) ?? null,
        partnerCenterToken: microsoft?.partnerCenter.accessToken ?? null,
        partnerCenterKeyChanged: microsoft?.partnerCenter.link.keyChanged() ?? false,
        now: clock.now(),
      }),
  });
  // Before any surface starts its dispatcher: invitations sent by a version without reminders get theirs.
  const backfilled = await service.queueMissingReminders();
  if (backfilled > 0) logger.info({ invitations: backfilled }, 'reminders queued for invitations sent before reminders existed');
  const sync = microsoft
    ? createMicrosoftSync({
        graph: microsoft.graph,
        partnerCenter: microsoft.partnerCenter?.features,
        service,
        clock,
        logger,
        intervalSeconds: config.microsoft!.syncSeconds,
        access: config.microsoft!.access,
      })
    : null;
  if (microsoft && sync)
    microsoft.directory.attachSync(
      () => sync.health(),
      () => sync.runOnce(),
    );
  const conversation = createConversation(service, logger);
  return { store, cluster, service, conversation, events, clock, sync, partnerCenter: microsoft?.partnerCenter ?? null };
}

/** The Microsoft directory on a Graph client (a given one in tests), and the permissions it lacks, named at start. */
async function connectMicrosoft(config: MicrosoftConfig, store: Store, logger: Logger, clock: Clock, given?: GraphClient) {
  const graph = given ?? (await import('./microsoft/graph-client.js')).createGraphClient({ ...config, logger });
  const partnerCenter = await connectPartnerCenter(config, store, logger, clock);
  const directory = createMicrosoftDirectory({ ...config, graph, clock, logger, partnerCenter });
  const status = await directory.status();
  if (status.missingPermissions?.length) {
    logger.warn(
      { missing: status.missingPermissions, app: config.clientId },
      `Microsoft Graph permissions missing: ${status.missingPermissions.join(', ')}. Grant them to app ${config.clientId} in the Microsoft Entra admin center (App registrations > API permissions > Microsoft Graph > Application permissions), then Grant admin consent.`,
    );
  } else if (status.permissionError) {
    logger.warn(
      { reason: status.permissionError },
      'could not check the Microsoft Graph permissions at start; the status command checks again',
    );
  } else {
    logger.info(
      { tenant: config.tenantId, credential: describeCredential(config.credential) },
      'connected to Microsoft Graph with every permission the directory needs',
    );
  }
  return { graph, directory, partnerCenter };
}

/**
 * Partner Center's API: the device-code sign-in (tokens encrypted in the store) and the client on
 * top of it. Without TOKEN_ENCRYPTION_KEY the connection exists but cannot sign in, and says why.
 */
async function connectPartnerCenter(config: MicrosoftConfig, store: Store, logger: Logger, clock: Clock) {
  const { createPartnerCenterAuth } = await import('./partner-center/auth.js');
  const { createPartnerCenterClient } = await import('./partner-center/client.js');
  let signingIn: ActorRef | null = null;
  const key = config.partnerCenter.encryptionKey;
  const auth = key
    ? createPartnerCenterAuth({
        tenantId: config.tenantId,
        clientId: config.partnerCenter.clientId,
        authorityHost: config.partnerCenter.loginUrl,
        // The audience is Partner Center's resource id, wherever PARTNER_CENTER_URL points (auth.ts's default).
        cache: storedCache(store, clock, () => signingIn),
        encryptionKey: key,
        clock,
        logger,
      })
    : null;
  const client = auth
    ? createPartnerCenterClient({ baseUrl: config.partnerCenter.apiUrl, accessToken: () => auth.accessToken(), logger })
    : null;
  const link = createPartnerCenterLink({ store, auth, client, logger });
  if (link.keyChanged())
    logger.warn(
      {},
      'the saved Partner Center sign-in cannot be decrypted with TOKEN_ENCRYPTION_KEY (the key changed, or the data was altered): Partner Center calls are off until an admin types "connect partner center"; status says so',
    );
  const tracked = {
    ...link,
    async startSignIn(by: ActorRef, approve?: Parameters<typeof link.startSignIn>[1]) {
      signingIn = by;
      return link.startSignIn(by, approve);
    },
  };
  return {
    link: tracked,
    features: createPartnerCenterFeatures({ link: tracked, clock, logger }),
    accessToken: auth ? () => auth.accessToken() : null,
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
