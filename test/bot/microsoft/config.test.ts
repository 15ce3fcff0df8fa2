/** DIRECTORY=microsoft configuration: the reseller link, defaults from the bot's own app, GDAP_* checks. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../bot/config.js';
import { DEFAULT_GDAP_ROLES, GLOBAL_ADMINISTRATOR } from '../../../bot/microsoft/roles.js';
import { SERVICE_SUPPORT_ADMINISTRATOR, assignmentsFor } from '../../../bot/microsoft/access-config.js';

const TENANT = '6f1c2a9e-4b7d-4c1e-9a53-2d8e7f0b1c44';
const CLIENT = '0b5e3c1d-2a4f-4e6b-8c7d-9e0f1a2b3c4d';
const link = (tenant = TENANT, extra = '', scheme = 'https', host = 'admin.microsoft.com') =>
  `${scheme}://${host}/Adminportal/Home?invType=ResellerRelationship&partnerId=${tenant}&msppId=0&DAP=false${extra}#/BillingAccounts/partner-invitation`;
const base = {
  PORT: '3978',
  DIRECTORY: 'microsoft',
  MICROSOFT_TENANT_ID: TENANT,
  MICROSOFT_CLIENT_ID: CLIENT,
  MICROSOFT_CLIENT_SECRET: 's3cret',
  RESELLER_LINK: link(),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('DIRECTORY=microsoft', () => {
  it('accepts the link copied from Partner Center, with least-privilege defaults', () => {
    const config = loadConfig(base);
    expect(config.directory).toBe('microsoft');
    expect(config.microsoft).toMatchObject({
      tenantId: TENANT,
      clientId: CLIENT,
      resellerLink: link(),
      syncSeconds: 60,
      graphUrl: 'https://graph.microsoft.com',
    });
    expect(config.microsoft!.gdap).toEqual({ roleDefinitionIds: DEFAULT_GDAP_ROLES, durationDays: 730, autoExtend: true });
    expect(config.microsoft!.gdap.roleDefinitionIds).not.toContain(GLOBAL_ADMINISTRATOR);
  });

  it.each([
    ['http', link(TENANT, '', 'http'), /https/],
    ['another host', link(TENANT, '', 'https', 'admin.example.com'), /admin\.microsoft\.com/],
    ['another partner', link('11111111-2222-4333-8444-555555555555'), /not for this partner tenant/],
    ['with indirectCSPId', link(TENANT, '&indirectCSPId=11111111-2222-4333-8444-555555555555'), /indirectCSPId/],
    ['not a URL', 'copy me', /not a URL/],
    ['no partnerId', 'https://admin.microsoft.com/Adminportal/Home', /partnerId/],
  ])('refuses a RESELLER_LINK %s with a sentence', (_name, value, message) => {
    const found = problems({ ...base, RESELLER_LINK: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('needs a RESELLER_LINK', () => {
    expect(problems({ ...base, RESELLER_LINK: '' }).join('\n')).toContain('RESELLER_LINK');
  });

  it("defaults MICROSOFT_* to the Teams bot's own app registration", () => {
    const config = loadConfig({
      PORT: '3978',
      DIRECTORY: 'microsoft',
      MicrosoftAppId: CLIENT,
      MicrosoftAppPassword: 'bot-secret',
      MicrosoftAppTenantId: TENANT,
      RESELLER_LINK: link(),
    });
    expect(config.microsoft).toMatchObject({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', secret: 'bot-secret' } });
    const missing = problems({ PORT: '3978', DIRECTORY: 'microsoft', RESELLER_LINK: link() }).join('\n');
    for (const name of ['MICROSOFT_TENANT_ID', 'MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET']) expect(missing).toContain(name);
  });

  it.each([
    [{ GDAP_ROLES: 'helpdesk' }, /GDAP_ROLES/],
    [{ GDAP_ROLES: ' , ' }, /GDAP_ROLES/],
    [{ GDAP_DURATION_DAYS: '731' }, /GDAP_DURATION_DAYS/],
    [{ GDAP_DURATION_DAYS: '0' }, /GDAP_DURATION_DAYS/],
    [{ GDAP_DURATION_DAYS: '30.5' }, /GDAP_DURATION_DAYS/],
    [{ GDAP_AUTO_EXTEND: 'yes' }, /GDAP_AUTO_EXTEND/],
    [{ MICROSOFT_SYNC_SECONDS: '1' }, /MICROSOFT_SYNC_SECONDS/],
    [{ GRAPH_URL: 'http://graph.example' }, /GRAPH_URL/],
  ])('refuses %o', (env, message) => {
    expect(problems({ ...base, ...env }).join('\n')).toMatch(message);
  });

  it('never asks auto-extend together with Global Administrator', () => {
    const config = loadConfig({
      ...base,
      GDAP_ROLES: `${GLOBAL_ADMINISTRATOR}, ${DEFAULT_GDAP_ROLES[0]!.toUpperCase()}`,
      GDAP_AUTO_EXTEND: 'true',
      GDAP_DURATION_DAYS: '30',
    });
    expect(config.microsoft!.gdap).toEqual({
      roleDefinitionIds: [GLOBAL_ADMINISTRATOR, DEFAULT_GDAP_ROLES[0]],
      durationDays: 30,
      autoExtend: false,
    });
  });

  it('stays embedded by default', () => {
    expect(loadConfig({ PORT: '3978' })).toMatchObject({ directory: 'embedded', microsoft: null });
  });

  it('assigns AdminAgents every requested role and HelpdeskAgents Service Support Administrator by default', () => {
    const { access } = loadConfig(base).microsoft!;
    expect(access).toEqual([
      { group: 'AdminAgents', roles: '*' },
      { group: 'HelpdeskAgents', roles: [SERVICE_SUPPORT_ADMINISTRATOR] },
    ]);
    expect(assignmentsFor(access, DEFAULT_GDAP_ROLES)).toEqual([
      { group: 'AdminAgents', roleDefinitionIds: DEFAULT_GDAP_ROLES },
      { group: 'HelpdeskAgents', roleDefinitionIds: [SERVICE_SUPPORT_ADMINISTRATOR] },
    ]);
    // Service Support Administrator not requested: HelpdeskAgents gets nothing, so it is not assigned.
    expect(assignmentsFor(access, [DEFAULT_GDAP_ROLES[0]!])).toEqual([{ group: 'AdminAgents', roleDefinitionIds: [DEFAULT_GDAP_ROLES[0]] }]);
  });

  it('reads GDAP_ACCESS as groups named as in Entra, each with role ids joined by +', () => {
    const [readers, licences] = DEFAULT_GDAP_ROLES;
    const config = loadConfig({ ...base, GDAP_ACCESS: `AdminAgents=${readers}+${licences!.toUpperCase()}; Tier 1 Support=${readers}` });
    expect(config.microsoft!.access).toEqual([
      { group: 'AdminAgents', roles: [readers, licences] },
      { group: 'Tier 1 Support', roles: [readers] },
    ]);
  });

  it.each([
    ['AdminAgents'],
    ['AdminAgents=not-a-role'],
    [`AdminAgents=${DEFAULT_GDAP_ROLES[0]}+`],
    [`=${DEFAULT_GDAP_ROLES[0]}`],
    [`AdminAgents=*;adminagents=${DEFAULT_GDAP_ROLES[0]}`],
    [';;'],
  ])('stops start-up with one sentence for GDAP_ACCESS=%s', (value) => {
    const found = problems({ ...base, GDAP_ACCESS: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^GDAP_ACCESS must look like AdminAgents=<roleId>\+<roleId>;HelpdeskAgents=<roleId> .*\.$/);
  });
});
