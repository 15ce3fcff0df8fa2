/**
 * Connecting the bot to Partner Center's API: an admin signs in from the chat with a device code;
 * the outcome, and later nudges to reconnect, reach the admins' conversation as durable
 * deliveries. Only Global admins and Admin agents connect or disconnect; the tokens stay
 * encrypted in the store and are never shown.
 */
import type { Connection, DeliveryTarget } from '../../store/schema.js';
import type { Tx } from '../../store/store.js';
import { CONNECTION_ID, KEY_CHANGED, PartnerCenterError, SignInRefused, type Capabilities, type DeviceCodePrompt, type Signer } from './partner-center-port.js';
import { toActorRef, type Actor } from './actor.js';
import type { ServiceContext } from './context.js';
import { InvalidInput, Unavailable } from './errors.js';
import type { PartnerCenterReconnectEvent, PartnerCenterSignInEvent, ServiceEvent } from './events.js';
import { queueDelivery } from './deliveries.js';
import { requirePermission } from './roles.js';
import { isPermitted } from './permissions.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Admins are nudged this long before the refresh token lapses. */
export const RECONNECT_NUDGE_DAYS = 14;

export type ConversationTarget = Extract<DeliveryTarget, { kind: 'conversation' }>;

/** What the chat shows about the connection (no token, ever). */
export interface PartnerCenterState {
  available: boolean;
  ready: boolean;
  account: string | null;
  connectedAt: string | null;
  refreshExpiresAt: string | null;
  lost: boolean;
  /** A connection is stored that TOKEN_ENCRYPTION_KEY cannot decrypt: an admin must connect again. */
  keyChanged: boolean;
  capabilities: Record<string, { allowed: boolean; code: string | null }>;
}

export function createPartnerCenterOperations(ctx: ServiceContext) {
  const link = () => ctx.directory.partnerCenter;

  const deliver = (tx: Tx, target: ConversationTarget | null, event: ServiceEvent) => {
    if (target) queueDelivery(ctx, tx, target, event);
  };

  /**
   * The account that signed in must be a partner-tenant user with an admin role, and the person
   * who asked wherever the platform tells us who that is (Teams' aadObjectId, Slack's profile
   * email); otherwise its tokens are discarded before anything is stored.
   */
  const vetSigner = async (actor: Actor, signer: Signer): Promise<void> => {
    const check = ctx.directory.partnerCenterSigner;
    let standing;
    try {
      if (!check) throw new Error('this directory cannot say who signed in');
      standing = await check(actor, signer);
    } catch {
      throw new SignInRefused('signer-unverified', signer.account, 'The partner tenant could not be asked who signed in.');
    }
    if (!standing.inPartnerTenant)
      throw new SignInRefused('signer-other-tenant', signer.account, 'The account signed in to another tenant than the partner tenant.');
    if (standing.isActor === false)
      throw new SignInRefused('signer-not-asker', signer.account, 'The code was used by someone other than the admin who asked for it.');
    if (!isPermitted(standing.role, 'adminAccess'))
      throw new SignInRefused('signer-not-admin', signer.account, 'The account is neither a Global admin nor an Admin agent of the partner tenant.');
  };

  const toCapabilityCodes = (capabilities: Capabilities) =>
    Object.fromEntries(Object.entries(capabilities).map(([name, c]) => [name, c.allowed ? null : (c.code ?? 'refused')]));

  return {
    /**
     * `connect partner center`: starts a device-code sign-in and returns what to show. The
     * sign-in finishes on its own; its outcome is posted to `where` once the tokens are stored.
     *
     * Whoever enters the code becomes the account every Partner Center call runs as, so the code
     * is shown only in a personal chat (`personal`: the conversation has no one else in it), and
     * the tokens are kept only if the signer passes `vetSigner`.
     */
    async connectPartnerCenter(actor: Actor, where: ConversationTarget | null, options: { personal?: boolean } = {}): Promise<DeviceCodePrompt> {
      requirePermission(ctx, actor, 'adminAccess');
      const pc = link();
      if (!pc) throw new InvalidInput('partnerCenter.needsMicrosoft');
      if (!pc.ready) throw new InvalidInput('partnerCenter.needsKey');
      if (options.personal !== true) throw new InvalidInput('partnerCenter.personalOnly');
      let started: Awaited<ReturnType<typeof pc.startSignIn>>;
      try {
        started = await pc.startSignIn(toActorRef(actor), (signer) => vetSigner(actor, signer));
      } catch (error) {
        // Entra unreachable or refusing before any code was given: say so; nothing was stored.
        if (error instanceof PartnerCenterError && error.status > 0 && error.status < 500) throw new Unavailable('partnerCenter.refused', { code: error.code });
        throw new Unavailable('microsoft.unreachable');
      }
      const { prompt, done } = started;
      void done
        .then(async (signedIn) => {
          const capabilities = await pc.checkCapabilities();
          const event: PartnerCenterSignInEvent = {
            type: 'partnerCenter.signIn',
            outcome: 'connected',
            account: signedIn.account,
            capabilities: toCapabilityCodes(capabilities),
            code: null,
            deliveryIds: [],
          };
          await ctx.store.transact((tx, read) => {
            const current = read.get('connections', CONNECTION_ID);
            if (current)
              tx.put('connections', {
                ...current,
                capabilities: stamp(capabilities, ctx.now()),
                announceTo: where ?? current.announceTo,
                lostAt: null,
                nudgedAt: null,
              });
            deliver(tx, where, event);
            ctx.audit(tx, actor, 'partnerCenter.connected', CONNECTION_ID, { account: signedIn.account, capabilities: event.capabilities });
          });
          ctx.notifier.publish(event);
        })
        .catch(async (error: unknown) => {
          const code =
            error instanceof PartnerCenterError ? error.code : ((error as { errorCode?: string })?.errorCode ?? 'sign-in-failed');
          const account = error instanceof SignInRefused ? error.account : null;
          const event: PartnerCenterSignInEvent = {
            type: 'partnerCenter.signIn',
            outcome: 'failed',
            account,
            capabilities: {},
            code,
            deliveryIds: [],
          };
          await ctx.store
            .transact((tx) => {
              deliver(tx, where, event);
              ctx.audit(tx, actor, 'partnerCenter.signInFailed', CONNECTION_ID, { code, ...(account ? { account } : {}) });
            })
            .then(() => ctx.notifier.publish(event))
            .catch((err: unknown) =>
              ctx.logger.warn(
                { err, code, account },
                'a failed Partner Center sign-in could not be recorded, so nobody is told it failed: ask whoever started it to type connect partner center again',
              ),
            );
        });
      return prompt;
    },

    /** `disconnect partner center`: forgets every token; Graph features go on. */
    async disconnectPartnerCenter(actor: Actor): Promise<{ wasConnected: boolean }> {
      requirePermission(ctx, actor, 'adminAccess');
      const pc = link();
      if (!pc) throw new InvalidInput('partnerCenter.needsMicrosoft');
      const wasConnected = Boolean(ctx.store.get('connections', CONNECTION_ID));
      await pc.signOut();
      await ctx.store.transact((tx, read) => {
        if (read.get('connections', CONNECTION_ID)) tx.delete('connections', CONNECTION_ID);
        ctx.audit(tx, actor, 'partnerCenter.disconnected', CONNECTION_ID, { wasConnected });
      });
      return { wasConnected };
    },

    /** The connection as `status` shows it. */
    partnerCenterState(): PartnerCenterState {
      const pc = link();
      const current = ctx.store.get('connections', CONNECTION_ID);
      return {
        available: Boolean(pc),
        ready: Boolean(pc?.ready),
        account: current?.account ?? null,
        connectedAt: current?.connectedAt ?? null,
        refreshExpiresAt: current?.refreshExpiresAt ?? null,
        lost: Boolean(current?.lostAt),
        keyChanged: Boolean(pc?.keyChanged()),
        capabilities: { ...(current?.capabilities ?? {}) },
      };
    },

    /**
     * Background check (each sync pass): nudges the admins' conversation once before the refresh
     * token lapses, and announces once that the connection was lost (`lost` from a failed silent
     * refresh). Returns what it posted.
     */
    async checkPartnerCenterConnection(found: { code: string; cache?: string } | null): Promise<PartnerCenterReconnectEvent | null> {
      const current = ctx.store.get('connections', CONNECTION_ID);
      if (!current) return null;
      // A finding about a sign-in that was replaced while it was checked says nothing of this one.
      const lost = found && (found.cache === undefined || found.cache === current.encryptedCache) ? found : null;
      if (found && !lost) return null;
      const now = ctx.now();
      let reason: PartnerCenterReconnectEvent['reason'] | null = null;
      if (lost && !current.lostAt) reason = lost.code === KEY_CHANGED ? 'keyChanged' : 'lost';
      else if (
        !lost &&
        !current.lostAt &&
        !current.nudgedAt &&
        current.refreshExpiresAt &&
        Date.parse(current.refreshExpiresAt) - now.getTime() <= RECONNECT_NUDGE_DAYS * DAY_MS
      )
        reason = 'expiring';
      if (!reason) return null;
      const event: PartnerCenterReconnectEvent = {
        type: 'partnerCenter.reconnect',
        reason,
        at: reason === 'expiring' ? current.refreshExpiresAt! : now.toISOString(),
        deliveryIds: [],
      };
      const written = await ctx.store.transact((tx, read) => {
        const fresh = read.get('connections', CONNECTION_ID);
        if (!fresh || (lost?.cache !== undefined && fresh.encryptedCache !== lost.cache)) return false;
        const next: Connection = reason === 'expiring' ? { ...fresh, nudgedAt: now.toISOString() } : { ...fresh, lostAt: now.toISOString() };
        tx.put('connections', next);
        deliver(tx, fresh.announceTo ? { kind: 'conversation', ...fresh.announceTo } : null, event);
        return true;
      });
      if (!written) return null;
      ctx.notifier.publish(event);
      return event;
    },
  };
}

const stamp = (capabilities: Capabilities, now: Date) =>
  Object.fromEntries(Object.entries(capabilities).map(([name, c]) => [name, { ...c, checkedAt: now.toISOString() }]));
