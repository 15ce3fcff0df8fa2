/**
 * The doctor's checks of what the bot talks to besides Microsoft Graph: the public address
 * customers open, the Bot Framework login (the bot's own token, as botbuilder gets it) and Slack
 * (`auth.test`, whose `x-oauth-scopes` header lists the scopes the token carries).
 */
import { tokenAuthority, type BotFrameworkCloud } from './bot-framework-cloud.js';
import { check, notConfigured, reasonOf, TIMEOUT_MS, type Check } from '../service/check.js';

function onLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** https holds; http is a warning on this machine (trying it out) and a failure anywhere else. */
export function publicUrlCheck(publicUrl: string): Check {
  const url = new URL(publicUrl);
  if (url.protocol === 'https:') return check('doctor.area.publicUrl', 'ok', 'doctor.publicUrl.https', { url: publicUrl });
  return onLoopback(url)
    ? check('doctor.area.publicUrl', 'warn', 'doctor.publicUrl.loopback', { url: publicUrl })
    : check('doctor.area.publicUrl', 'fail', 'doctor.publicUrl.http', { url: publicUrl });
}

export interface BotFrameworkSettings {
  appId: string;
  appPassword: string;
  appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  tenantId: string;
  /** The cloud the Teams surface uses: the doctor asks for a token where it would. */
  cloud: BotFrameworkCloud;
}

/** A client-credentials token for the Bot Connector, from where botbuilder would ask for it. */
export async function botFrameworkCheck(teams: BotFrameworkSettings | null, doFetch: typeof fetch = fetch): Promise<Check> {
  const area = 'doctor.area.teams';
  if (!teams) return notConfigured(area);
  if (teams.appType === 'UserAssignedMSI') return check(area, 'warn', 'doctor.teams.msi', { app: teams.appId });
  const login = tokenAuthority(teams.cloud, teams.appType, teams.tenantId);
  let response: Response;
  try {
    response = await doFetch(`${login}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: teams.appId,
        client_secret: teams.appPassword,
        scope: `${teams.cloud.oauthScope}/.default`,
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return check(area, 'fail', 'doctor.teams.unreachable', { login, reason: reasonOf(error) });
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (response.ok && body.access_token) return check(area, 'ok', 'doctor.teams.ok', { app: teams.appId, login });
  // Entra's description starts with the AADSTS code and the reason; its trace ids say nothing to an operator.
  const reason = /^AADSTS\d+: [^\r\n]*?(?=\s+Trace ID:|$)/.exec(body.error_description ?? '')?.[0] ?? `HTTP ${response.status}.`;
  return check(area, 'fail', 'doctor.teams.refused', { app: teams.appId, code: body.error ?? `http_${response.status}`, reason: /[.!]$/.test(reason) ? reason : `${reason}.` });
}

/** `auth.test` with the bot token, and the scopes it carries against those the manifest asks for. */
export async function slackCheck(
  slack: { botToken: string; apiUrl: string | null } | null,
  requiredScopes: readonly string[],
  doFetch: typeof fetch = fetch,
): Promise<Check> {
  const area = 'doctor.area.slack';
  if (!slack) return notConfigured(area);
  let response: Response;
  try {
    response = await doFetch(`${slack.apiUrl ?? 'https://slack.com/api/'}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return check(area, 'fail', 'doctor.slack.unreachable', { reason: reasonOf(error) });
  }
  const body = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: string; team?: string; user?: string };
  if (!body.ok) return check(area, 'fail', 'doctor.slack.refused', { error: body.error ?? `HTTP ${response.status}` });
  const granted = new Set((response.headers.get('x-oauth-scopes') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const missing = requiredScopes.filter((scope) => !granted.has(scope));
  if (missing.length) return check(area, 'fail', 'doctor.slack.scopes', { missing: missing.join(', ') });
  return check(area, 'ok', 'doctor.slack.ok', { team: body.team ?? '?', user: body.user ?? '?' });
}
