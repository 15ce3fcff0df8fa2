/**
 * The Bot Framework cloud the bot talks to, read under botbuilder's own setting names. The Teams
 * surface hands these to botbuilder and to MSAL; the doctor asks for a token where the surface
 * would. (It sits here, below config in the layers, so that both can read it.)
 *
 * The public cloud is the default; `ChannelService=https://botframework.azure.us` picks the US
 * Government cloud. Each endpoint may be overridden on its own: the others keep the chosen
 * cloud's values (botbuilder alone would expect all of them once one is set).
 */
import { trimSlash } from '../server/url.js';

export interface BotFrameworkCloud {
  /** ToChannelFromBotLoginUrl: the Entra authority the bot's own token comes from. */
  loginUrl: string;
  /** ToChannelFromBotOAuthScope: the resource that token is for (the Bot Connector). */
  oauthScope: string;
  /** ToBotFromChannelTokenIssuer: the issuer of the tokens the channel sends. */
  tokenIssuer: string;
  /** OAuthUrl: the Bot Framework token service (user sign-in). */
  oauthUrl: string;
  /** ToBotFromChannelOpenIdMetadataUrl (or the older BotOpenIdMetadata): the channel's signing keys. */
  openIdMetadataUrl: string;
  /** ToBotFromEmulatorOpenIdMetadataUrl: the Emulator's signing keys. */
  emulatorOpenIdMetadataUrl: string;
  /** The caller id botbuilder stamps on activities from this cloud. */
  callerId: string;
}

/** botbuilder's AuthenticationConstants (test/bot/teams/cloud-settings.test.ts keeps them equal). */
export const PUBLIC_CLOUD: BotFrameworkCloud = {
  loginUrl: 'https://login.microsoftonline.com/botframework.com',
  oauthScope: 'https://api.botframework.com',
  tokenIssuer: 'https://api.botframework.com',
  oauthUrl: 'https://api.botframework.com',
  openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  callerId: 'urn:botframework:azure',
};

/** botbuilder's GovernmentConstants. */
export const US_GOVERNMENT_CLOUD: BotFrameworkCloud = {
  loginUrl: 'https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us',
  oauthScope: 'https://api.botframework.us',
  tokenIssuer: 'https://api.botframework.us',
  oauthUrl: 'https://api.botframework.azure.us',
  openIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
  emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/.well-known/openid-configuration',
  callerId: 'urn:botframework:azureusgov',
};

export const US_GOVERNMENT_CHANNEL_SERVICE = 'https://botframework.azure.us';

const SETTINGS: ReadonlyArray<[keyof BotFrameworkCloud, string]> = [
  ['loginUrl', 'ToChannelFromBotLoginUrl'],
  ['oauthScope', 'ToChannelFromBotOAuthScope'],
  ['tokenIssuer', 'ToBotFromChannelTokenIssuer'],
  ['oauthUrl', 'OAuthUrl'],
  ['openIdMetadataUrl', 'ToBotFromChannelOpenIdMetadataUrl'],
  ['emulatorOpenIdMetadataUrl', 'ToBotFromEmulatorOpenIdMetadataUrl'],
];

/** The cloud the environment names, each problem pushed onto `problems`. */
export function readBotFrameworkCloud(get: (name: string) => string | undefined, problems: string[]): BotFrameworkCloud {
  const given = get('ChannelService');
  const channelService = given && trimSlash(given);
  if (channelService && channelService !== US_GOVERNMENT_CHANNEL_SERVICE) {
    problems.push(`ChannelService must be empty (the public cloud) or ${US_GOVERNMENT_CHANNEL_SERVICE} (US Government), got "${channelService}".`);
  }
  const base = channelService === US_GOVERNMENT_CHANNEL_SERVICE ? US_GOVERNMENT_CLOUD : PUBLIC_CLOUD;
  const cloud = { ...base };
  for (const [key, name] of SETTINGS) {
    const raw = get(name) ?? (key === 'openIdMetadataUrl' ? get('BotOpenIdMetadata') : undefined);
    const value = raw && trimSlash(raw);
    if (!value) continue;
    if (!/^https?:\/\/[^/\s]+/.test(value)) problems.push(`${name} must be an http(s) URL, got "${value}".`);
    cloud[key] = value;
  }
  return cloud;
}

/**
 * Where a bot of this app type asks for its token: a single-tenant bot on a cloud's own login
 * asks its tenant (as botbuilder does); a login URL set by hand is used as it is.
 */
export function tokenAuthority(cloud: BotFrameworkCloud, appType: string, tenantId: string): string {
  const isDefault = cloud.loginUrl === PUBLIC_CLOUD.loginUrl || cloud.loginUrl === US_GOVERNMENT_CLOUD.loginUrl;
  if (appType !== 'SingleTenant' || !isDefault || !tenantId) return cloud.loginUrl;
  return `${cloud.loginUrl.slice(0, cloud.loginUrl.lastIndexOf('/'))}/${tenantId}`;
}

/** The same cloud as botbuilder's configuration keys. */
export function toBotbuilderSettings(cloud: BotFrameworkCloud): Record<string, string | boolean> {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: cloud.loginUrl,
    ToChannelFromBotOAuthScope: cloud.oauthScope,
    ToBotFromChannelTokenIssuer: cloud.tokenIssuer,
    OAuthUrl: cloud.oauthUrl,
    ToBotFromChannelOpenIdMetadataUrl: cloud.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: cloud.emulatorOpenIdMetadataUrl,
    CallerId: cloud.callerId,
  };
}
