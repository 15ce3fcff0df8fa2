/**
 * Metrics and traces of the real bot/main.ts (a child process, so the OpenTelemetry SDK reads the
 * environment a deployment gives it), against the Microsoft stand-in, the connector stand-in and
 * an OTLP/HTTP receiver: Teams turns, card actions, refusals, a Slack command, the sync and its
 * deliveries, then a scrape of METRICS_PORT and the spans the receiver got.
 */
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.js';
import { commitTimer, inTurn, startTelemetry } from '../../bot/telemetry.js';
import { microsoftEnv } from './microsoft/harness.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft } from '../fakes/microsoft.js';
import { startOtlpReceiver, type ReceivedSpan } from '../fakes/otlp.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { cleanEnv, freePort, killAll, run } from '../fakes/processes.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { tempDir } from '../helpers.js';
import { sample } from './prometheus-sample.js';
import { realNow } from '../setup/shifted-clock.js';

afterEach(() => killAll());

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const SAL_ID = '0a1b2c3d-0000-4000-8000-0000000005a1';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const sal: TeamsUser = { aadObjectId: SAL_ID, name: 'Sal Sales' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const WEBHOOK_TOKEN = 'metrics-test-webhook-token-0123456789abcdef';
const SLACK_SECRET = 'metrics-test-signing-secret';

describe('metrics and traces (bot/main.ts with METRICS_PORT and an OTLP endpoint)', () => {
  it(
    'counts turns, actions, refusals, calls, deliveries and webhook rejections on /metrics, and exports a span per turn with its Graph calls under it',
    { timeout: 120_000 },
    async () => {
      const microsoft = await startFakeMicrosoft();
      microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
      microsoft.addUser({ id: SAL_ID, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
      const connector = await startConnector();
      const receiver = await startOtlpReceiver();
      const slackApi = await startSlackApi({ USAL: { name: 'Sal Slack', email: 'sal@northwind.example' } });
      const [port, metricsPort] = [await freePort(), await freePort()];
      const main = run(
        'bot/main.ts',
        [],
        cleanEnv({
          ...microsoftEnv(microsoft, { MICROSOFT_SYNC_SECONDS: '5' }),
          NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
          PORT: String(port),
          DATA_FILE: join(tempDir(), 'db.json'),
          PARTNER_NAME: 'Northwind Cloud',
          PARTNER_CENTER_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
          SLACK_SIGNING_SECRET: SLACK_SECRET,
          SLACK_BOT_TOKEN: 'xoxb-test-token',
          SLACK_API_URL: slackApi.apiUrl,
          LOG_LEVEL: 'info',
          METRICS_PORT: String(metricsPort),
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          // A standard variable the SDK reads itself: spans leave within 100 ms instead of 5 s.
          OTEL_BSP_SCHEDULE_DELAY: '100',
        }),
      );
      try {
        const [, url] = await main.waitFor(/"msg":"listening on (http:\/\/[^ "]+)/, 60_000);
        const teams = teamsClient(url!, connector.url);
        const scrape = async () => {
          const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
          expect(res.status).toBe(200);
          return res.text();
        };

        // The public port has no metrics; the metrics port has nothing else.
        expect((await fetch(`${url}/metrics`)).status).toBe(404);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);

        // Turns: a subscription, an invitation whose GDAP request Graph throttles once, a refusal.
        await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
        expect(cardText(connector.calls.at(-1))).toContain("I'll post here");
        microsoft.failNext((r) => r.method === 'POST' && r.path.endsWith('/delegatedAdminRelationships'), { status: 429, retryAfter: 0 });
        await teams.say(alice, personal, 'invite customer');
        const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;
        const [relationship] = microsoft.relationships();
        await teams.say(sal, personal, 'invite customer');
        expect(cardText(connector.calls.at(-1))).toMatch(/admin/i);

        // Card actions: Done without the approval link (refused on the field), then with both links.
        const resellerLink = microsoftEnv(microsoft).RESELLER_LINK;
        const approvalLink = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${relationship!.id}`;
        const draft = { invitationId, subject: 'Reseller relationship', acquisition: 'own-marketing' };
        await teams.invoke(alice, personal, 'invitation.done', { ...draft, body: `Please accept: ${resellerLink}` });
        const done = await teams.invoke(alice, personal, 'invitation.done', { ...draft, body: `Accept ${resellerLink} and approve ${approvalLink}` });
        expect(cardText(done.body.value)).toContain('Invitation sent');

        // Slack: a slash command, answered through the Web API.
        const slack = slackClient(url!, SLACK_SECRET, slackApi.responseUrl);
        // Signed at the real time: the child's clock is not shifted like this worker's.
        await slack.command('USAL', 'list customers', { channel: 'C0SALES', channelName: 'sales' }, { timestamp: Math.floor(realNow() / 1000) });
        await slackApi.waitFor('chat.postMessage', (c) => c.args.channel === 'C0SALES');

        // Webhooks: a wrong path token, then an unsigned event.
        const post = (token: string) =>
          fetch(`${url}/partner-center/events/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect((await post('wrong-token-wrong-token-wrong-token')).status).toBe(404);
        expect((await post(WEBHOOK_TOKEN)).status).toBe(401);

        // The customer approves; the next sync pass accepts it: the channel refuses its post, the draft card is updated.
        connector.fail('19:sales', 1);
        microsoft.approve(relationship!.id, { tenantId: '7c0ffee0-1234-4abc-9def-000000000001', displayName: 'Contoso Ltd' });
        microsoft.addCustomer({ tenantId: '7c0ffee0-1234-4abc-9def-000000000001', displayName: 'Contoso Ltd' });
        await expect.poll(() => connector.failed.length, { timeout: 30_000, interval: 200 }).toBe(1);

        let text = '';
        await expect
          .poll(
            async () => {
              text = await scrape();
              return [sample(text, 'cspbot_deliveries_waiting'), sample(text, 'cspbot_deliveries_failed'), sample(text, 'cspbot_deliveries_total', { target: 'card', outcome: 'sent' })];
            },
            { timeout: 30_000, interval: 250 },
          )
          .toEqual([1, 1, 1]);
        expect(sample(text, 'cspbot_deliveries_total', { target: 'subscription', outcome: 'failed' })).toBe(1);

        expect(sample(text, 'cspbot_turns_total', { surface: 'teams', kind: 'message', outcome: 'ok' })).toBe(2);
        expect(sample(text, 'cspbot_turns_total', { surface: 'teams', kind: 'message', outcome: 'refused' })).toBe(1);
        expect(sample(text, 'cspbot_turns_total', { surface: 'teams', kind: 'action', outcome: 'refused' })).toBe(1);
        expect(sample(text, 'cspbot_turns_total', { surface: 'teams', kind: 'action', outcome: 'ok' })).toBe(1);
        expect(sample(text, 'cspbot_turn_duration_count', { surface: 'teams', kind: 'action' })).toBe(2);
        expect(sample(text, 'cspbot_turns_total', { surface: 'slack', kind: 'command', outcome: 'ok' })).toBe(1);
        expect(sample(text, 'cspbot_client_calls_total', { service: 'Slack', method: 'chat.postMessage', status: '200' })).toBeGreaterThanOrEqual(1);
        expect(sample(text, 'cspbot_refusals_total', { code: 'NotAllowed' })).toBe(1);
        expect(sample(text, 'cspbot_refusals_total', { code: 'InvalidInput' })).toBe(1);
        expect(sample(text, 'cspbot_client_calls_total', { service: 'Graph', method: 'POST', status: '429' })).toBe(1);
        expect(sample(text, 'cspbot_client_calls_total', { service: 'Graph', method: 'POST', status: '201' })).toBeGreaterThanOrEqual(1);
        expect(sample(text, 'cspbot_client_calls_total', { service: 'Graph', method: 'GET', status: '200' })).toBeGreaterThan(0);
        expect(sample(text, 'cspbot_webhook_rejections_total', { reason: 'token' })).toBe(1);
        expect(sample(text, 'cspbot_webhook_rejections_total', { reason: 'missing or malformed signature' })).toBe(1);
        expect(sample(text, 'cspbot_store_commit_duration_count', { store: 'journal' })).toBeGreaterThan(0);
        const age = sample(text, 'cspbot_microsoft_sync_age');
        expect(age).toBeGreaterThanOrEqual(0);
        expect(age).toBeLessThan(60);

        // Traces: the turn that invited holds its Graph calls (the throttled attempt and the retry).
        const createsOf = (turn: ReceivedSpan) =>
          receiver.childrenOf(turn).filter((s) => s.name === 'Graph POST' && s.attributes['url.path'] === '/v1.0/tenantRelationships/delegatedAdminRelationships');
        const invited = () => receiver.named('teams.message').find((turn) => createsOf(turn).length === 2);
        await expect.poll(() => invited() !== undefined, { timeout: 30_000, interval: 200 }).toBe(true);
        const turn = invited()!;
        expect(turn).toMatchObject({ kind: 2, parentSpanId: '', attributes: { 'cspbot.surface': 'teams', 'cspbot.turn.kind': 'message', 'cspbot.outcome': 'ok' } });
        expect(turn.resource['service.name']).toBe('csp-connect-bot');
        const creates = createsOf(turn);
        expect(creates.map((s) => s.attributes['http.response.status_code']).sort()).toEqual([201, 429]);
        expect(creates.every((s) => s.kind === 3 && s.attributes['http.request.method'] === 'POST')).toBe(true);

        // The refused turn and the card actions have their spans; the sync pass holds its Graph reads and the deliveries.
        expect(receiver.named('teams.message').some((s) => s.attributes['cspbot.outcome'] === 'refused' && s.attributes['cspbot.refusal.reason'])).toBe(true);
        await expect.poll(() => receiver.named('teams.action').length, { timeout: 10_000 }).toBe(2);
        const delivered = (outcome: string) => receiver.named('notification.delivery').find((s) => s.attributes['cspbot.outcome'] === outcome);
        await expect.poll(() => Boolean(delivered('sent') && delivered('failed')), { timeout: 30_000, interval: 200 }).toBe(true);
        const syncOf = (span: ReceivedSpan) => receiver.spans.find((s) => s.spanId === span.parentSpanId && s.name === 'microsoft.sync');
        expect(syncOf(delivered('sent')!)).toBeDefined();
        expect(receiver.childrenOf(syncOf(delivered('sent')!)!).some((s) => s.name === 'Graph GET')).toBe(true);
        const command = receiver.named('slack.command')[0];
        expect(command && receiver.childrenOf(command).some((s) => s.name === 'Slack chat.postMessage' && s.kind === 3)).toBe(true);

        // Entra's token requests are client spans too (cached tokens make none).
        expect(sample(text, 'cspbot_client_calls_total', { service: 'Entra', method: 'token', status: '200' })).toBeGreaterThan(0);
        const tokens = receiver.named('Entra token');
        expect(tokens.length).toBeGreaterThan(0);
        expect(tokens.every((s) => s.kind === 3 && s.attributes['http.response.status_code'] === 200)).toBe(true);
        expect(receiver.refused).toEqual([]);
      } finally {
        main.child.kill('SIGTERM');
        await main.exited(30_000).catch(() => undefined);
        await receiver.close();
        await slackApi.close();
        await connector.close();
        await microsoft.close();
      }
    },
  );
});

describe('telemetry off (no METRICS_PORT, no OTLP endpoint)', () => {
  it('starts nothing, hands the store no hook, and runs a turn as it is', async () => {
    const logger = createLogger('silent');
    expect(await startTelemetry({ metricsPort: null, metricsHost: '127.0.0.1', otlp: null }, logger)).toBeNull();
    expect(commitTimer('journal')).toBeUndefined();
    let ran = 0;
    expect(await inTurn('teams', 'message', async () => ++ran)).toBe(1);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
