/**
 * The Bot Framework cloud under botbuilder's own setting names: the public cloud by default, the
 * US Government cloud with ChannelService, one endpoint overridden at a time; and the doctor asks
 * for a token exactly where the Teams surface would.
 */
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants, GovernmentConstants } from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../bot/config.js';
import { PUBLIC_CLOUD, tokenAuthority, US_GOVERNMENT_CLOUD } from '../../../bot/doctor/bot-framework-cloud.js';
import { botFrameworkCheck } from '../../../bot/doctor/endpoints.js';

const APP = { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: '66666666-2222-3333-4444-555555555555' };
const cloudOf = (env: Record<string, string> = {}) => loadConfig({ ...APP, ...env }).teams!.cloud;
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...APP, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('Bot Framework cloud settings', () => {
  it('defaults to the public cloud, with botbuilder\'s own values', () => {
    expect(cloudOf()).toEqual({
      loginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      oauthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      tokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      oauthUrl: AuthenticationConstants.OAuthUrl,
      openIdMetadataUrl: AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      emulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      callerId: CallerIdConstants.PublicAzureChannel,
    });
  });

  it('switches to the US Government cloud with ChannelService alone', () => {
    expect(cloudOf({ ChannelService: 'https://botframework.azure.us' })).toEqual({
      loginUrl: GovernmentConstants.ToChannelFromBotLoginUrl,
      oauthScope: GovernmentConstants.ToChannelFromBotOAuthScope,
      tokenIssuer: GovernmentConstants.ToBotFromChannelTokenIssuer,
      oauthUrl: GovernmentConstants.OAuthUrl,
      openIdMetadataUrl: GovernmentConstants.ToBotFromChannelOpenIdMetadataUrl,
      emulatorOpenIdMetadataUrl: GovernmentConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      callerId: CallerIdConstants.USGovChannel,
    });
    expect(problems({ ChannelService: 'https://botframework.example.cn' })).toEqual([expect.stringContaining('ChannelService must be empty')]);
  });

  it('overrides one endpoint at a time, the others keeping the chosen cloud\'s values', () => {
    const cases: Array<[string, keyof typeof PUBLIC_CLOUD]> = [
      ['ToChannelFromBotLoginUrl', 'loginUrl'],
      ['ToChannelFromBotOAuthScope', 'oauthScope'],
      ['ToBotFromChannelTokenIssuer', 'tokenIssuer'],
      ['OAuthUrl', 'oauthUrl'],
      ['ToBotFromChannelOpenIdMetadataUrl', 'openIdMetadataUrl'],
    ];
    for (const [name, key] of cases) {
      expect(cloudOf({ [name]: 'https://stand-in.example/x/' }), name).toEqual({ ...PUBLIC_CLOUD, [key]: 'https://stand-in.example/x' });
      expect(cloudOf({ ChannelService: 'https://botframework.azure.us', [name]: 'https://stand-in.example/x' }), name).toEqual({
        ...US_GOVERNMENT_CLOUD,
        [key]: 'https://stand-in.example/x',
      });
    }
    expect(problems({ OAuthUrl: 'not a url' })).toEqual(['OAuthUrl must be an http(s) URL, got "not a url".']);
  });

  it('still reads the signing keys from BotOpenIdMetadata; the newer name wins when both are set', () => {
    expect(cloudOf({ BotOpenIdMetadata: 'https://keys.example/old' })).toEqual({ ...PUBLIC_CLOUD, openIdMetadataUrl: 'https://keys.example/old' });
    expect(cloudOf({ BotOpenIdMetadata: 'https://keys.example/old', ToBotFromChannelOpenIdMetadataUrl: 'https://keys.example/new' }).openIdMetadataUrl).toBe('https://keys.example/new');
  });

  it('asks a single-tenant bot\'s own tenant on a cloud\'s login, and a login set by hand as it is', () => {
    expect(tokenAuthority(PUBLIC_CLOUD, 'SingleTenant', 'tid')).toBe('https://login.microsoftonline.com/tid');
    expect(tokenAuthority(US_GOVERNMENT_CLOUD, 'SingleTenant', 'tid')).toBe('https://login.microsoftonline.us/tid');
    expect(tokenAuthority(PUBLIC_CLOUD, 'MultiTenant', '')).toBe('https://login.microsoftonline.com/botframework.com');
    expect(tokenAuthority({ ...PUBLIC_CLOUD, loginUrl: 'https://login.example/other' }, 'SingleTenant', 'tid')).toBe('https://login.example/other');
  });

  it('makes the doctor ask for the token where the surface would, for the cloud\'s resource', async () => {
    const asked: Array<{ url: string; scope: string | null }> = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      asked.push({ url, scope: new URLSearchParams(String(init.body)).get('scope') });
      return new Response(JSON.stringify({ access_token: 'x' }), { status: 200 });
    }) as unknown as typeof fetch;
    await botFrameworkCheck(loadConfig({ ...APP, ChannelService: 'https://botframework.azure.us' }).teams, fetchStub);
    await botFrameworkCheck(loadConfig({ ...APP, ToChannelFromBotLoginUrl: 'https://login.example/t1', ToChannelFromBotOAuthScope: 'https://connector.example' }).teams, fetchStub);
    expect(asked).toEqual([
      { url: `https://login.microsoftonline.us/${APP.MicrosoftAppTenantId}/oauth2/v2.0/token`, scope: 'https://api.botframework.us/.default' },
      { url: 'https://login.example/t1/oauth2/v2.0/token', scope: 'https://connector.example/.default' },
    ]);
  });
});
