/**
 * Roles read in Partner Center's words in both languages: every refusal that carries a role, as
 * the service gives it and as the conversation renders it, and `whoami`, show "Sales agent" /
 * "Agente vendite", never `sales-agent`; where an id must be typed (inside backticks), its word
 * stands beside it.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en.js';
import type { MessageKey, MessageParams } from '../../i18n/catalogue.js';
import { isServiceError } from '../../bot/service/index.js';
import type { Actor } from '../../bot/service/actor.js';
import { Role, type Locale } from '../../store/schema.js';
import { roleName, toMessageView } from '../../views/index.js';
import { testService } from '../helpers.js';

const LOCALES = ['en', 'it'] as const;

/** What a person reads shows no role id, except inside backticks with the role's word in the same message. */
function expectWords(locale: Locale, text: string, label: string) {
  const outside = text.replace(/`[^`]*`/g, '');
  for (const id of Role.options) {
    expect(outside, `${label}: ${id} outside backticks in "${text}"`).not.toMatch(new RegExp(`\\b${id}\\b`));
    // In a sentence the word may start in lower case ("l'ultimo amministratore globale").
    if (text.includes(id)) expect(text.toLowerCase(), `${label}: ${id} without its word`).toContain(roleName(locale, id).toLowerCase());
  }
}

const person = (userId: string, locale: Locale): Actor => ({ platform: 'cli', userId, displayName: userId, locale });

/** The refusal a call makes, rendered as the conversation renders it. */
async function refusal(locale: Locale, call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return toMessageView({ locale }, 'error', error.key, error.params).text;
  }
  throw new Error('no refusal');
}

describe('roles in Partner Center words', () => {
  it('every refusal the service makes about a role, in English and Italian', async () => {
    for (const locale of LOCALES) {
      const { service } = await testService();
      const admin = person('admin', locale);
      for (const [userId, role] of [
        ['sam', 'sales-agent'],
        ['ada', 'admin-agent'],
        ['hal', 'helpdesk-agent'],
      ] as const)
        await service.grantRole(admin, { principal: `cli:${userId}`, role });
      const cases: Record<string, () => Promise<unknown>> = {
        noRole: () => Promise.resolve().then(() => service.listCustomers(person('nobody', locale))),
        salesGrants: () => service.grantRole(person('sam', locale), { principal: 'cli:x', role: 'sales-agent' }),
        helpdeskGrants: () => service.grantRole(person('hal', locale), { principal: 'cli:x', role: 'helpdesk-agent' }),
        adminAgentNames: () => service.namePartner(person('ada', locale), { name: 'Northwind' }),
        adminAgentGrantsGlobal: () => service.grantRole(person('ada', locale), { principal: 'cli:x', role: 'global-admin' }),
        unknownRole: () => service.grantRole(admin, { principal: 'cli:x', role: 'superuser' }),
        bootstrapFixed: () => service.grantRole(admin, { principal: 'cli:admin', role: 'sales-agent' }),
      };
      for (const [label, call] of Object.entries(cases)) expectWords(locale, await refusal(locale, call), `${locale} ${label}`);
      // The sales agent is told their role in words, and the list of roles to type has each word beside it.
      expect(await refusal(locale, cases.salesGrants!)).toContain(roleName(locale, 'sales-agent'));
      const unknown = await refusal(locale, cases.unknownRole!);
      for (const id of Role.options) expect(unknown).toContain(`${roleName(locale, id)} (\`${id}\`)`);
    }
  });

  it('every message that carries a role or a list of roles, for each role, and whoami', () => {
    const withRole = (Object.keys(en) as MessageKey[]).filter((key) => {
      const text = JSON.stringify(en[key]);
      return text.includes('{role}') || text.includes('{roles}') || Role.options.some((id) => text.includes(id));
    });
    // The invitation emails list GDAP roles (Microsoft's names), not these.
    const messages = withRole.filter((key) => !key.startsWith('email.'));
    expect(messages).toEqual(
      expect.arrayContaining(['error.noRole', 'error.adminOnly', 'error.unknownRole', 'ui.whoami', 'ui.help.grant']),
    );
    for (const locale of LOCALES)
      for (const key of messages)
        for (const role of Role.options) {
          const params: MessageParams = {
            role,
            roles: Role.options.join(', '),
            principal: 'cli:someone',
            name: 'Someone',
            who: 'Someone',
            subject: 'Someone',
          };
          expectWords(locale, toMessageView({ locale }, 'error', key, params).text, `${locale} ${key} (${role})`);
        }
  });
});
