/**
 * loadConfig's refusals (bot/config.ts), one sentence per problem naming the variable and what
 * it wants, for the settings config.test.ts and microsoft/config.test.ts leave out; and the
 * encryption key in each form it is accepted in.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';

const TENANT = '6f1c2a9e-4b7d-4c1e-9a53-2d8e7f0b1c44';
const CLIENT = '0b5e3c1d-2a4f-4e6b-8c7d-9e0f1a2b3c4d';
const LINK = `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${TENANT}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`;
const MICROSOFT = {
  DIRECTORY: 'microsoft',
  MICROSOFT_TENANT_ID: TENANT,
  MICROSOFT_CLIENT_ID: CLIENT,
  MICROSOFT_CLIENT_SECRET: 's3cret',
  RESELLER_LINK: LINK,
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('loadConfig refuses, naming the variable', () => {
  it('Teams and Slack settings that cannot be right', () => {
    expect(problems({ MicrosoftAppType: 'Everyone' })).toEqual([
      'MicrosoftAppType must be one of SingleTenant, MultiTenant, UserAssignedMSI, got "Everyone".',
    ]);
    expect(problems({ MicrosoftAppId: CLIENT, MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: 'contoso' })).toEqual([
      'MicrosoftAppTenantId must be a tenant id (GUID).',
    ]);
    expect(problems({ SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxp-user-token' })).toEqual([
      'SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-).',
    ]);
    expect(problems({ SLACK_API_URL: 'slack.stand-in' }).join('\n')).toContain(
      'SLACK_API_URL must be an http(s) URL, got "slack.stand-in".',
    );
  });

  it('the partner and the directory', () => {
    expect(problems({ PARTNER_ID: 'northwind' })).toEqual(['PARTNER_ID must be your Partner Center tenant id (a GUID).']);
    expect(problems({ DIRECTORY: 'ldap' })).toEqual(['DIRECTORY must be embedded or microsoft, got "ldap".']);
  });

  it("Partner Center's addresses, client id and encryption key with the Microsoft directory", () => {
    expect(problems({ ...MICROSOFT, PARTNER_CENTER_URL: 'http://pc.stand-in' })).toEqual([
      'PARTNER_CENTER_URL must be an https URL, got "http://pc.stand-in".',
    ]);
    expect(problems({ ...MICROSOFT, PARTNER_CENTER_LOGIN_URL: 'http://login.stand-in/' })).toEqual([
      'PARTNER_CENTER_LOGIN_URL must be an https URL, got "http://login.stand-in".',
    ]);
    expect(problems({ ...MICROSOFT, PARTNER_CENTER_CLIENT_ID: 'my-app' })).toEqual([
      'PARTNER_CENTER_CLIENT_ID must be an app (client) id, a GUID.',
    ]);
    for (const key of ['short', 'a'.repeat(64).replace(/a$/, 'z'), `${Buffer.alloc(31).toString('base64')}AAAA`]) {
      expect(problems({ ...MICROSOFT, TOKEN_ENCRYPTION_KEY: key }), key).toEqual([
        expect.stringMatching(/^TOKEN_ENCRYPTION_KEY must be 32 random bytes/),
      ]);
    }
  });

  it('a webhook certificate host that is no host name', () => {
    expect(problems({ PARTNER_CENTER_WEBHOOK_TOKEN: 'a'.repeat(40), PARTNER_CENTER_WEBHOOK_CERT_HOSTS: 'ok.example, bad host/' })).toEqual([
      'PARTNER_CENTER_WEBHOOK_CERT_HOSTS entry "bad host/" must be a host name, optionally with :port.',
    ]);
  });
});

describe('the encryption key', () => {
  it('is read as hex, base64 or base64url', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 250));
    for (const text of [
      bytes.toString('hex'),
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=$/, ''),
      bytes.toString('base64url'),
    ]) {
      expect(loadConfig({ ...MICROSOFT, TOKEN_ENCRYPTION_KEY: text }).microsoft!.partnerCenter.encryptionKey!.equals(bytes), text).toBe(
        true,
      );
    }
  });
});
