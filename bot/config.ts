/** The only reader of the environment: validates the variables README's Configuration lists and returns typed slices. */
import { resolve } from 'node:path';

export interface TeamsConfig {
  appId: string;
  appPassword: string;
  appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  tenantId: string;
  /** Where the channel's token signing keys are published (BotOpenIdMetadata); Microsoft's by default. */
  openIdMetadata: string | null;
}

export interface SlackConfig {
  signingSecret: string;
  botToken: string;
  apiUrl: string | null;
}

export interface Config {
  port: number;
  host: string;
  /** True when no Teams credentials are set: no auth, loopback only. */
  localMode: boolean;
  publicUrl: string;
  dataFile: string;
  /** Unset values keep what the data file already records. */
  partner: { name: string | null; id: string | null };
  teams: TeamsConfig | null;
  slack: SlackConfig | null;
  bootstrapAdmins: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const APP_TYPES = ['SingleTenant', 'MultiTenant', 'UserAssignedMSI'] as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Reads and checks every variable at once, so one start-up shows every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const problems: string[] = [];

  const portText = get('PORT') ?? '3978';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) problems.push(`PORT must be a port number (1-65535), got "${portText}".`);

  const appId = get('MicrosoftAppId');
  const appPassword = get('MicrosoftAppPassword');
  const appTypeText = get('MicrosoftAppType') ?? 'SingleTenant';
  const tenantId = get('MicrosoftAppTenantId');
  let teams: TeamsConfig | null = null;
  if (!(APP_TYPES as readonly string[]).includes(appTypeText)) {
    problems.push(`MicrosoftAppType must be one of ${APP_TYPES.join(', ')}, got "${appTypeText}".`);
  }
  if (appId) {
    if (!GUID.test(appId)) problems.push('MicrosoftAppId must be the bot\'s app (client) id, a GUID.');
    if (!appPassword && appTypeText !== 'UserAssignedMSI') problems.push('MicrosoftAppPassword is required when MicrosoftAppId is set.');
    if (appTypeText !== 'MultiTenant' && !tenantId) problems.push(`MicrosoftAppTenantId is required for MicrosoftAppType ${appTypeText}.`);
    if (tenantId && !GUID.test(tenantId)) problems.push('MicrosoftAppTenantId must be a tenant id (GUID).');
    const openIdMetadata = get('BotOpenIdMetadata') ?? null;
    if (openIdMetadata && !isHttpUrl(openIdMetadata)) problems.push(`BotOpenIdMetadata must be an http(s) URL, got "${openIdMetadata}".`);
    teams = { appId, appPassword: appPassword ?? '', appType: appTypeText as TeamsConfig['appType'], tenantId: tenantId ?? '', openIdMetadata };
  } else if (appPassword || tenantId) {
    problems.push('MicrosoftAppPassword or MicrosoftAppTenantId is set without MicrosoftAppId: set all of them, or none for local mode.');
  }

  const signingSecret = get('SLACK_SIGNING_SECRET');
  const botToken = get('SLACK_BOT_TOKEN');
  const slackApiUrl = get('SLACK_API_URL');
  let slack: SlackConfig | null = null;
  if (signingSecret && botToken) {
    if (!botToken.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-).');
    slack = { signingSecret, botToken, apiUrl: slackApiUrl ? slackApiUrl.replace(/\/?$/, '/') : null };
  } else if (signingSecret || botToken) {
    problems.push('Slack needs both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN; only one is set.');
  }
  if (slackApiUrl && !isHttpUrl(slackApiUrl)) problems.push(`SLACK_API_URL must be an http(s) URL, got "${slackApiUrl}".`);

  const publicUrl = (get('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}".`);

  const bootstrapAdmins = (get('BOOTSTRAP_ADMINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const principal of bootstrapAdmins) {
    if (!/^(teams|slack|cli):\S+$/.test(principal)) {
      problems.push(`BOOTSTRAP_ADMINS entry "${principal}" must look like teams:<aadObjectId>, slack:<user id> or cli:<name>.`);
    }
  }

  const partnerId = get('PARTNER_ID') ?? null;
  if (partnerId && !GUID.test(partnerId)) problems.push('PARTNER_ID must be your Partner Center tenant id (a GUID).');

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: get('HOST') ?? (teams ? '0.0.0.0' : '127.0.0.1'),
    localMode: teams === null,
    publicUrl,
    dataFile: resolve(get('DATA_FILE') ?? './data/db.json'),
    partner: { name: get('PARTNER_NAME') ?? null, id: partnerId },
    teams,
    slack,
    bootstrapAdmins,
    logLevel: logLevel as Config['logLevel'],
  };
}
