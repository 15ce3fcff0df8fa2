/**
 * Replicas of the bot as processes on one PostgreSQL database (test/fakes/replica.ts), and what a
 * person does with them (draft an invitation in Teams, accept it on the customer's page), shared by
 * the replica and failover tests.
 */
import { expect } from 'vitest';
import { cardText, type ConnectorCall } from '../fakes/connector.js';
import { cleanEnv, freePort, run, type Running } from '../fakes/processes.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';

export const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
export const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
export const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };

export interface Replica {
  process: Running;
  url: string;
  teams: ReturnType<typeof teamsClient>;
}

/**
 * A replica process posting to the connector at `connectorUrl`; `timings`: the dispatcher's poll
 * and its first retry delay (left out: the production defaults).
 */
export async function startReplica(
  databaseUrl: string,
  connectorUrl: string,
  timings: { pollMs?: number; baseDelayMs?: number } = { pollMs: 200, baseDelayMs: 100 },
): Promise<Replica> {
  const port = await freePort();
  const child = run(
    'test/fakes/replica.ts',
    [String(timings.pollMs ?? ''), String(timings.baseDelayMs ?? '')],
    cleanEnv({
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PARTNER_NAME: 'Northwind Cloud',
      BOOTSTRAP_ADMINS: 'teams:aad-admin',
      LOG_LEVEL: 'info',
    }),
  );
  const [, url] = await child.waitFor(/"msg":"listening on (http:\/\/[^ "]+)/, 30_000);
  return { process: child, url: url!, teams: teamsClient(url!, connectorUrl) };
}

/** The last reply posted in the conversation (card updates, PUTs, come from deliveries at any time). */
export const lastReplyTo = (calls: ConnectorCall[], conversation: TeamsConversation): ConnectorCall | undefined =>
  calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(conversation.id)).at(-1);

/** Drafts an invitation in Teams on `replica`, in `conversation`; returns the path of its link. */
export async function draft(replica: Replica, calls: ConnectorCall[], conversation = personal): Promise<string> {
  const res = await replica.teams.say(alice, conversation, 'invite customer');
  expect(res.status).toBe(200);
  return new URL(/https?:\/\/[^\s"/]+\/invitations\/[A-Za-z0-9_-]+/.exec(cardText(lastReplyTo(calls, conversation)))![0]).pathname;
}

/** The customer opens the form on `formFrom` and submits it to `submitTo` (any replica). */
export async function accept(formFrom: Replica, submitTo: Replica, path: string, company: string) {
  const form = await fetch(`${formFrom.url}${path}`);
  const html = await form.text();
  const cookie = form.headers.get('set-cookie')?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const slug = company.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const fields = { csrf, companyName: company, domain: `${slug}.example.com`, name: 'Giulia Rossi', email: `giulia@${slug}.example.com` };
  const res = await fetch(`${submitTo.url}${path}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text() };
}

let asked = 0;
/**
 * Resolves once `replica` has read every change committed so far and no delivery attempt of its
 * own is under way (test/fakes/replica.ts answers on its stdin): it starts none after that for a
 * delivery that is already gone.
 */
export async function settled(replica: Replica): Promise<void> {
  const token = `settled-${++asked}`;
  replica.process.child.stdin!.write(`${token}\n`);
  await replica.process.waitFor(new RegExp(`^${token} idle$`, 'm'), 10_000);
}
