/** The only reader of the environment: validates the variables README's Configuration lists and returns typed slices. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBotFrameworkCloud, type BotFrameworkCloud } from './doctor/bot-framework-cloud.js';
import { readGraphCredential, type GraphCredential } from './microsoft/credential-config.js';
import { readGdapAccess, type AccessRule } from './microsoft/access-config.js';
import { resellerLinkProblem } from './microsoft/reseller-link.js';
import { DEFAULT_GDAP_ROLES, GLOBAL_ADMINISTRATOR } from './microsoft/roles.js';
import { OTLP_PROTOCOLS, type OtlpProtocol, type TelemetryOptions } from './telemetry.js';
import { trimSlash } from './server/url.js';
import { DEFAULT_DIGEST_SCHEDULE, DEFAULT_DIGEST_TIMEZONE, isTimeZone, parseDigestSchedule, type DigestSchedule } from './service/digest-schedule.js';

export interface TeamsConfig {
  appId: string;
  appPassword: string;
  appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  tenantId: string;
  /** The Bot Framework cloud, under botbuilder's setting names (the public cloud by default). */
  cloud: BotFrameworkCloud;
}

export interface SlackConfig {
  signingSecret: string;
  botToken: string;
  apiUrl: string | null;
}

/** The `microsoft` directory: Graph with application permissions, in the partner's own tenant. */
export interface MicrosoftConfig {
  tenantId: string;
  clientId: string;
  /** How the app proves who it is to Microsoft login: a secret, a certificate, workload or managed identity. */
  credential: GraphCredential;
  resellerLink: string;
  graphUrl: string;
  loginUrl: string;
  syncSeconds: number;
  gdap: { roleDefinitionIds: string[]; durationDays: number; autoExtend: boolean };
  /** GDAP_ACCESS: the security groups assigned to each approved relationship, and their roles. */
  access: AccessRule[];
  /** Partner Center's API (device-code sign-in from the chat); `encryptionKey` null: sign-in unavailable. */
  partnerCenter: { apiUrl: string; loginUrl: string; clientId: string; encryptionKey: Buffer | null };
}

/** Partner Center's signed webhooks at `POST /partner-center/events/<token>`; off unless PARTNER_CENTER_WEBHOOK_TOKEN is set. */
export interface PartnerCenterWebhookConfig {
  /** The secret path segment, a second factor beside the signature. */
  token: string;
  /** Overrides the documented Microsoft storage host the signing certificate may come from. */
  certificateHosts: string[] | null;
  /** A PEM file of trust roots in place of Node's (for tests against stand-ins). */
  trustRootsFile: string | null;
}

export interface Config {
  port: number;
  host: string;
  /** True when no Teams credentials are set: no auth, loopback only. */
  localMode: boolean;
  publicUrl: string;
  dataFile: string;
  /** DATABASE_URL: the PostgreSQL store, shared by every replica, instead of the data file. */
  databaseUrl: string | null;
  /** Unset values keep what the data file already records. */
  partner: { name: string | null; id: string | null };
  teams: TeamsConfig | null;
  slack: SlackConfig | null;
  bootstrapAdmins: string[];
  /** Where customers, acceptances and roles come from; `embedded` unless DIRECTORY=microsoft. */
  directory: 'embedded' | 'microsoft';
  microsoft: MicrosoftConfig | null;
  partnerCenterWebhook: PartnerCenterWebhookConfig | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Metrics (METRICS_PORT) and traces (OTEL_EXPORTER_OTLP_*); both off by default. */
  telemetry: TelemetryOptions;
  /** INVITATION_REMINDERS: when the inviter is reminded of an unanswered invitation, in ms after it was sent. */
  invitationReminders: number[];
  /** DIGEST_SCHEDULE in DIGEST_TIMEZONE: when subscribed conversations get the digest. */
  digest: DigestSchedule;
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
    const cloud = readBotFrameworkCloud(get, problems);
    teams = { appId, appPassword: appPassword ?? '', appType: appTypeText as TeamsConfig['appType'], tenantId: tenantId ?? '', cloud };
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

  const publicUrl = trimSlash(get('PUBLIC_URL') ?? `http://localhost:${port}`);
  if (!isHttpUrl(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}".`);

  const bootstrapAdmins = (get('BOOTSTRAP_ADMINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const principal of bootstrapAdmins) {
    if (!/^(teams|slack|cli):\S+$/.test(principal)) {
      problems.push(`BOOTSTRAP_ADMINS entry "${principal}" must look like teams:<aadObjectId>, slack:<user id> or cli:<name>.`);
    }
  }

  const partnerId = get('PARTNER_ID') ?? null;
  if (partnerId && !GUID.test(partnerId)) problems.push('PARTNER_ID must be your Partner Center tenant id (a GUID).');

  const directoryText = get('DIRECTORY') ?? 'embedded';
  let microsoft: MicrosoftConfig | null = null;
  if (directoryText !== 'embedded' && directoryText !== 'microsoft') problems.push(`DIRECTORY must be embedded or microsoft, got "${directoryText}".`);
  if (directoryText === 'microsoft') microsoft = readMicrosoft(get, { appId, appPassword, tenantId }, problems);

  const partnerCenterWebhook = readPartnerCenterWebhook(get, problems);

  // Never echoed back: it holds the database password.
  const databaseUrl = get('DATABASE_URL') ?? null;
  if (databaseUrl && !/^postgres(ql)?:\/\/[^/]/.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// (or postgresql://) connection URL.');

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);

  const host = get('HOST') ?? (teams ? '0.0.0.0' : '127.0.0.1');
  const telemetry = readTelemetry(get, port, host, problems);
  const invitationReminders = readDurations('INVITATION_REMINDERS', get('INVITATION_REMINDERS') ?? '7d,30d,80d', problems);
  const digest = readDigest(get, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    localMode: teams === null,
    publicUrl,
    dataFile: resolve(get('DATA_FILE') ?? './data/db.json'),
    databaseUrl,
    partner: { name: get('PARTNER_NAME') ?? null, id: partnerId },
    teams,
    slack,
    bootstrapAdmins,
    directory: microsoft ? 'microsoft' : 'embedded',
    microsoft,
    partnerCenterWebhook,
    logLevel: logLevel as Config['logLevel'],
    telemetry,
    invitationReminders,
    digest,
  };
}

/** DIGEST_SCHEDULE (`monday 08:00`, `daily 08:00`) and DIGEST_TIMEZONE (an IANA zone), each checked in one sentence. */
function readDigest(get: (name: string) => string | undefined, problems: string[]): DigestSchedule {
  const timeZone = get('DIGEST_TIMEZONE') ?? DEFAULT_DIGEST_TIMEZONE;
  const zoneKnown = isTimeZone(timeZone);
  if (!zoneKnown) problems.push(`DIGEST_TIMEZONE must be an IANA time zone such as Europe/Rome, got "${timeZone.slice(0, 60)}".`);
  const text = get('DIGEST_SCHEDULE') ?? DEFAULT_DIGEST_SCHEDULE;
  const schedule = parseDigestSchedule(text, zoneKnown ? timeZone : 'UTC');
  if (!schedule) problems.push(`DIGEST_SCHEDULE must be a day and a 24-hour time such as "monday 08:00", or "daily 08:00", got "${text.slice(0, 60)}".`);
  return schedule ?? parseDigestSchedule(DEFAULT_DIGEST_SCHEDULE, 'UTC')!;
}

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A comma-separated list of durations such as `7d,30d,80d` (units s, m, h, d), in ms, in order. */
function readDurations(name: string, text: string, problems: string[]): number[] {
  const out: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d{1,6})([smhd])$/.exec(part);
    if (!match || Number(match[1]) === 0) {
      problems.push(`${name} must be durations such as 7d,30d,80d (units s, m, h or d), got "${part.slice(0, 40)}".`);
      return [];
    }
    out.push(Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS]);
  }
  return out.sort((a, b) => a - b);
}

/**
 * METRICS_PORT, and the standard OTEL_* variables that decide whether traces are exported and
 * how. The OpenTelemetry SDK reads the rest of the standard set itself (see bot/telemetry-sdk.ts).
 */
function readTelemetry(get: (name: string) => string | undefined, port: number, host: string, problems: string[]): TelemetryOptions {
  const metricsText = get('METRICS_PORT');
  let metricsPort: number | null = null;
  if (metricsText) {
    metricsPort = Number(metricsText);
    if (!/^\d+$/.test(metricsText) || metricsPort < 1 || metricsPort > 65535) problems.push(`METRICS_PORT must be a port number (1-65535), got "${metricsText}".`);
    else if (metricsPort === port) problems.push(`METRICS_PORT must differ from PORT (${port}): metrics are never served on the public port.`);
  }
  const disabled = (get('OTEL_SDK_DISABLED') ?? 'false').toLowerCase() === 'true';
  const endpoint = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? get('OTEL_EXPORTER_OTLP_ENDPOINT');
  const protocol = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) problems.push(`OTEL_EXPORTER_OTLP_PROTOCOL must be one of ${OTLP_PROTOCOLS.join(', ')}, got "${protocol}".`);
  if (endpoint && !isHttpUrl(endpoint)) problems.push('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (the collector, e.g. http://collector:4318).');
  return {
    metricsPort,
    metricsHost: host,
    otlp: endpoint && !disabled ? { endpoint, protocol: protocol as OtlpProtocol } : null,
  };
}

/**
 * MICROSOFT_* default to the Teams bot's own single-tenant app registration, so one Entra app can
 * be both the bot and the Graph client.
 */
function readMicrosoft(
  get: (name: string) => string | undefined,
  bot: { appId?: string; appPassword?: string; tenantId?: string },
  problems: string[],
): MicrosoftConfig {
  const credential = readGraphCredential(get, bot.appPassword, problems);
  // Workload identity's webhook names the app and tenant in AZURE_CLIENT_ID and AZURE_TENANT_ID.
  const workload = credential?.kind === 'workload-identity';
  const tenantId = get('MICROSOFT_TENANT_ID') ?? (workload ? get('AZURE_TENANT_ID') : undefined) ?? bot.tenantId ?? '';
  const clientId = get('MICROSOFT_CLIENT_ID') ?? (workload ? get('AZURE_CLIENT_ID') : undefined) ?? bot.appId ?? '';
  if (!GUID.test(tenantId)) problems.push('DIRECTORY=microsoft needs MICROSOFT_TENANT_ID (or MicrosoftAppTenantId): your partner tenant id, a GUID.');
  if (!GUID.test(clientId)) problems.push('DIRECTORY=microsoft needs MICROSOFT_CLIENT_ID (or MicrosoftAppId): the app registration\'s client id, a GUID.');
  const resellerLink = get('RESELLER_LINK') ?? '';
  if (!resellerLink) problems.push('DIRECTORY=microsoft needs RESELLER_LINK: copy it from Partner Center > Customers > Request a reseller relationship.');
  else if (GUID.test(tenantId)) {
    const problem = resellerLinkProblem(resellerLink, tenantId);
    if (problem) problems.push(problem);
  }
  const graphUrl = trimSlash(get('GRAPH_URL') ?? 'https://graph.microsoft.com');
  const loginUrl = trimSlash(get('MICROSOFT_LOGIN_URL') ?? 'https://login.microsoftonline.com');
  for (const [name, value] of [['GRAPH_URL', graphUrl], ['MICROSOFT_LOGIN_URL', loginUrl]] as const) {
    if (!value.startsWith('https://')) problems.push(`${name} must be an https URL, got "${value}".`);
  }
  const syncText = get('MICROSOFT_SYNC_SECONDS') ?? '60';
  const syncSeconds = Number(syncText);
  if (!/^\d+$/.test(syncText) || syncSeconds < 5 || syncSeconds > 86_400) problems.push(`MICROSOFT_SYNC_SECONDS must be a whole number of seconds from 5 to 86400, got "${syncText}".`);
  const roles = (get('GDAP_ROLES') ?? DEFAULT_GDAP_ROLES.join(',')).split(',').map((r) => r.trim().toLowerCase()).filter(Boolean);
  if (roles.length === 0 || roles.some((r) => !GUID.test(r))) problems.push('GDAP_ROLES must be a comma-separated list of Entra role definition ids (GUIDs).');
  const daysText = get('GDAP_DURATION_DAYS') ?? '730';
  const durationDays = Number(daysText);
  if (!/^\d+$/.test(daysText) || durationDays < 1 || durationDays > 730) problems.push(`GDAP_DURATION_DAYS must be from 1 to 730, got "${daysText}".`);
  const autoExtendText = (get('GDAP_AUTO_EXTEND') ?? 'true').toLowerCase();
  if (autoExtendText !== 'true' && autoExtendText !== 'false') problems.push('GDAP_AUTO_EXTEND must be true or false.');
  // Microsoft refuses auto-extend with Global Administrator: never request it silently.
  const autoExtend = autoExtendText === 'true' && !roles.includes(GLOBAL_ADMINISTRATOR);
  const access = readGdapAccess(get('GDAP_ACCESS'), problems);
  const apiUrl = trimSlash(get('PARTNER_CENTER_URL') ?? 'https://api.partnercenter.microsoft.com');
  if (!apiUrl.startsWith('https://')) problems.push(`PARTNER_CENTER_URL must be an https URL, got "${apiUrl}".`);
  const pcLoginUrl = trimSlash(get('PARTNER_CENTER_LOGIN_URL') ?? loginUrl);
  if (!pcLoginUrl.startsWith('https://')) problems.push(`PARTNER_CENTER_LOGIN_URL must be an https URL, got "${pcLoginUrl}".`);
  const pcClientId = get('PARTNER_CENTER_CLIENT_ID') ?? clientId;
  if (pcClientId && !GUID.test(pcClientId)) problems.push('PARTNER_CENTER_CLIENT_ID must be an app (client) id, a GUID.');
  const keyText = get('TOKEN_ENCRYPTION_KEY');
  const encryptionKey = keyText ? parseKey(keyText) : null;
  if (keyText && !encryptionKey) {
    problems.push('TOKEN_ENCRYPTION_KEY must be 32 random bytes, as base64 (44 characters) or hex (64): generate one with `openssl rand -base64 32`.');
  }
  return {
    tenantId,
    clientId,
    credential: credential ?? { kind: 'secret', secret: '' },
    resellerLink,
    graphUrl,
    loginUrl,
    syncSeconds,
    gdap: { roleDefinitionIds: roles, durationDays, autoExtend },
    access,
    partnerCenter: { apiUrl, loginUrl: pcLoginUrl, clientId: pcClientId, encryptionKey },
  };
}

/** 32 bytes as base64 or hex, or null. */
function parseKey(text: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}$/.test(text)) {
    const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

function readPartnerCenterWebhook(get: (name: string) => string | undefined, problems: string[]): PartnerCenterWebhookConfig | null {
  const token = get('PARTNER_CENTER_WEBHOOK_TOKEN');
  const hostsText = get('PARTNER_CENTER_WEBHOOK_CERT_HOSTS');
  const rootsText = get('PARTNER_CENTER_WEBHOOK_TRUST_ROOTS');
  if (!token) {
    if (hostsText || rootsText) problems.push('PARTNER_CENTER_WEBHOOK_CERT_HOSTS or PARTNER_CENTER_WEBHOOK_TRUST_ROOTS is set without PARTNER_CENTER_WEBHOOK_TOKEN.');
    return null;
  }
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(token)) {
    problems.push('PARTNER_CENTER_WEBHOOK_TOKEN must be at least 32 characters of letters, digits, - and _ (for example: openssl rand -hex 32).');
  }
  const certificateHosts = hostsText ? hostsText.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean) : null;
  for (const host of certificateHosts ?? []) {
    if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host)) problems.push(`PARTNER_CENTER_WEBHOOK_CERT_HOSTS entry "${host}" must be a host name, optionally with :port.`);
  }
  const trustRootsFile = rootsText ? resolve(rootsText) : null;
  if (trustRootsFile && !existsSync(trustRootsFile)) problems.push(`PARTNER_CENTER_WEBHOOK_TRUST_ROOTS names a file that does not exist: ${trustRootsFile}.`);
  return { token, certificateHosts, trustRootsFile };
}
