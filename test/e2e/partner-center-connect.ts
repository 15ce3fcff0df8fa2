/** An admin connects Partner Center from Teams, against the login and Partner Center stand-ins. */
import { expect } from 'vitest';
import { cardText, type startConnector } from '../fakes/connector.js';
import type { FakePartnerCenter } from '../fakes/partner-center.js';
import type { teamsClient, TeamsConversation, TeamsUser } from '../fakes/teams-client.js';

interface Connecting {
  teams: ReturnType<typeof teamsClient>;
  connector: Awaited<ReturnType<typeof startConnector>>;
  partnerCenter: FakePartnerCenter;
  dispatcher: { idle(): Promise<void> };
  /** Who connects, where, and as whom they sign in at "Microsoft". */
  who: { user: TeamsUser; conversation: TeamsConversation; upn: string };
}

/** The device-code card, the sign-in at "Microsoft", then the outcome posted in the chat: its text. */
export async function connectPartnerCenter({ teams, connector, partnerCenter, dispatcher, who }: Connecting): Promise<string> {
  await teams.say(who.user, who.conversation, 'connect partner center');
  const card = cardText(connector.calls.at(-1));
  const [code] = partnerCenter.pendingUserCodes();
  expect(code).toBeTruthy();
  expect(card).toContain(code!);
  expect(card).toContain('Sign in to Partner Center');
  connector.clear();
  partnerCenter.completeSignIn({ upn: who.upn, mfa: true, oid: who.user.aadObjectId });
  const outcome = () => connector.calls.find((c) => c.method === 'POST' && /Partner Center/.test(cardText(c)));
  await expect.poll(outcome, { timeout: 15_000 }).toBeTruthy();
  await dispatcher.idle();
  return cardText(outcome());
}
