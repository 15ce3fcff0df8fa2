/**
 * The doctor's checks of the public address, the Bot Framework login and Slack
 * (bot/doctor/endpoints.ts), with Entra's token endpoint and Slack's auth.test answering as
 * they do: a token, a refusal with its AADSTS code, missing scopes, nothing at all.
 */
import { describe, expect, it } from 'vitest';
import { PUBLIC_CLOUD, tokenAuthority } from '../../../bot/doctor/bot-framework-cloud.js';
import { guarded, reasonOf } from '../../../bot/service/check.js';
import { botFrameworkCheck, publicUrlCheck, slackCheck, type BotFrameworkSettings } from '../../../bot/doctor/endpoints.js';

const TENANT = '7a1c0000-0000-4000-8000-00000000beef';
const teams = (extra: Partial<BotFrameworkSettings> = {}): BotFrameworkSettings => ({
  appId: 'app-1',
  appPassword: 'pw',
  appType: 'SingleTenant',
  tenantId: TENANT,
  cloud: PUBLIC_CLOUD,
  ...extra,
});

/** A server stand-in answering every request with `status` and `body`; the URLs asked are kept. */
function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const asked: string[] = [];
  const doFetch: typeof fetch = async (input) => {
    asked.push(String(input));
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };
  return { asked, doFetch };
}
const unreachable =
  (error: Error): typeof fetch =>
  async () =>
    Promise.reject(error);

describe('publicUrlCheck', () => {
  it('passes https, warns of http on this machine and fails http anywhere else', () => {
    expect(publicUrlCheck('https://bot.northwind.example')).toMatchObject({ state: 'ok', text: 'doctor.publicUrl.https' });
    for (const local of ['http://localhost:3978', 'http://127.0.0.5:80', 'http://[::1]:3978'])
      expect(publicUrlCheck(local), local).toMatchObject({ state: 'warn' });
    expect(publicUrlCheck('http://10.0.0.5:3978')).toMatchObject({ state: 'fail', text: 'doctor.publicUrl.http' });
  });
});

describe('botFrameworkCheck', () => {
  it('is off without credentials and only warns for a managed identity, which it cannot try from here', async () => {
    expect(await botFrameworkCheck(null)).toMatchObject({ state: 'off' });
    expect(await botFrameworkCheck(teams({ appType: 'UserAssignedMSI' }))).toMatchObject({
      state: 'warn',
      text: 'doctor.teams.msi',
      params: { app: 'app-1' },
    });
  });

  it("asks the tenant's own authority for a single-tenant app and the cloud's for a multi-tenant one", async () => {
    const single = answering(200, { access_token: 'token' });
    expect(await botFrameworkCheck(teams(), single.doFetch)).toMatchObject({
      state: 'ok',
      params: { login: `https://login.microsoftonline.com/${TENANT}` },
    });
    expect(single.asked).toEqual([`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`]);
    const multi = answering(200, { access_token: 'token' });
    await botFrameworkCheck(teams({ appType: 'MultiTenant' }), multi.doFetch);
    expect(multi.asked).toEqual([`${PUBLIC_CLOUD.loginUrl}/oauth2/v2.0/token`]);
    expect(tokenAuthority({ ...PUBLIC_CLOUD, loginUrl: 'https://login.example/stand-in' }, 'SingleTenant', TENANT)).toBe(
      'https://login.example/stand-in',
    );
    expect(tokenAuthority(PUBLIC_CLOUD, 'SingleTenant', '')).toBe(PUBLIC_CLOUD.loginUrl);
  });

  it("fails a refusal with Entra's code and reason, cut before its trace ids, or with the status when Entra says nothing", async () => {
    const refused = answering(401, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided. Trace ID: 42 Correlation ID: 43 Timestamp: 2026-11-23',
    });
    expect(await botFrameworkCheck(teams(), refused.doFetch)).toMatchObject({
      state: 'fail',
      text: 'doctor.teams.refused',
      params: { code: 'invalid_client', reason: 'AADSTS7000215: Invalid client secret provided.' },
    });
    expect(await botFrameworkCheck(teams(), answering(500, 'not json').doFetch)).toMatchObject({
      params: { code: 'http_500', reason: 'HTTP 500.' },
    });
    expect(
      await botFrameworkCheck(
        teams(),
        answering(400, { error: 'invalid_request', error_description: 'AADSTS900144: missing client_id' }).doFetch,
      ),
    ).toMatchObject({
      params: { reason: 'AADSTS900144: missing client_id.' },
    });
    // A 200 without a token is no token.
    expect(await botFrameworkCheck(teams(), answering(200, {}).doFetch)).toMatchObject({ state: 'fail', params: { code: 'http_200' } });
  });

  it("fails an authority out of reach with the system's code, a timeout in words, or the error's message", async () => {
    const refusedConnection = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(await botFrameworkCheck(teams(), unreachable(refusedConnection))).toMatchObject({
      state: 'fail',
      text: 'doctor.teams.unreachable',
      params: { reason: 'ECONNREFUSED' },
    });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(await botFrameworkCheck(teams(), unreachable(timeout))).toMatchObject({ params: { reason: 'no answer within 10 s' } });
    expect(await botFrameworkCheck(teams(), unreachable(new Error('bad certificate')))).toMatchObject({
      params: { reason: 'bad certificate' },
    });
  });
});

describe('slackCheck', () => {
  const slack = { botToken: 'xoxb-1', apiUrl: 'https://slack.stand-in/api/' };
  const SCOPES = ['chat:write', 'commands'];

  it("is off without a token, and asks Slack's own API when no other is given", async () => {
    expect(await slackCheck(null, SCOPES)).toMatchObject({ state: 'off' });
    const api = answering(200, { ok: true, team: 'Northwind', user: 'csp' }, { 'x-oauth-scopes': 'chat:write, commands' });
    expect(await slackCheck({ botToken: 'xoxb-1', apiUrl: null }, SCOPES, api.doFetch)).toMatchObject({
      state: 'ok',
      params: { team: 'Northwind', user: 'csp' },
    });
    expect(api.asked).toEqual(['https://slack.com/api/auth.test']);
  });

  it('fails a refused token, names the scopes it lacks, and says "?" for a team or user Slack leaves out', async () => {
    expect(await slackCheck(slack, SCOPES, answering(200, { ok: false, error: 'invalid_auth' }).doFetch)).toMatchObject({
      state: 'fail',
      params: { error: 'invalid_auth' },
    });
    expect(await slackCheck(slack, SCOPES, answering(503, 'down').doFetch)).toMatchObject({ state: 'fail', params: { error: 'HTTP 503' } });
    expect(await slackCheck(slack, SCOPES, answering(200, { ok: true }, { 'x-oauth-scopes': 'chat:write' }).doFetch)).toMatchObject({
      state: 'fail',
      text: 'doctor.slack.scopes',
      params: { missing: 'commands' },
    });
    expect(await slackCheck(slack, SCOPES, answering(200, { ok: true }).doFetch)).toMatchObject({
      params: { missing: 'chat:write, commands' },
    });
    expect(await slackCheck(slack, [], answering(200, { ok: true }).doFetch)).toMatchObject({
      state: 'ok',
      params: { team: '?', user: '?' },
    });
    expect(
      await slackCheck(slack, SCOPES, unreachable(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))),
    ).toMatchObject({
      state: 'fail',
      text: 'doctor.slack.unreachable',
      params: { reason: 'ENOTFOUND' },
    });
  });
});

describe('guarded', () => {
  it('turns a check that threw into a failed line with the reason, so the doctor never stops half-way', async () => {
    const ok = { area: 'doctor.area.slack', state: 'ok', text: 'doctor.slack.ok' } as const;
    expect(await guarded('doctor.area.slack', async () => ok)).toEqual([ok]);
    expect(await guarded('doctor.area.slack', async () => [ok, ok])).toEqual([ok, ok]);
    expect(await guarded('doctor.area.slack', async () => Promise.reject(new Error('socket hang up')))).toEqual([
      { area: 'doctor.area.slack', state: 'fail', text: 'doctor.failed', params: { reason: 'socket hang up' } },
    ]);
    expect(await guarded('doctor.area.slack', async () => Promise.reject('plain text'))).toMatchObject([
      { params: { reason: 'plain text' } },
    ]);
    expect(reasonOf('plain text')).toBe('plain text');
  });
});
