import { describe, expect, it } from 'vitest';
import { createConversation } from '../../../bot/conversation/handler.js';
import { commands } from '../../../bot/commands/parse.js';
import { Role } from '../../../store/schema.js';
import { HELP_SECTIONS, type HelpView, type View } from '../../../views/index.js';
import { admin, testService } from '../../helpers.js';

/** Arguments that pass parsing, so the only possible refusal is the role check. */
const ARGS: Partial<Record<string, string>> = {
  removeRelationship: 'nobody-here',
  customer: 'nobody-here',
  endAdminAccess: 'nobody-here',
  addProvider: 'Fabrikam Distribution',
  partnerName: 'Northwind Cloud',
  revokeInvitation: '1',
  grant: 'sales-agent cli:someone-else',
  revokeRole: 'cli:someone-else',
};

const refusedForRole = (views: View[]) =>
  views.some((v) => v.kind === 'message' && v.tone === 'error' && /Only a Global admin|Only a Global admin or an Admin agent/.test(v.text));

describe('what help offers and what the service allows', () => {
  it.each(Role.options)('offers a %s exactly the commands the service lets them run', async (role) => {
    const { service } = await testService();
    if (role !== 'global-admin') await service.grantRole(admin, { role, principal: 'cli:person' });
    const conversation = createConversation(service, { error: () => {}, warn: () => {} });
    const turn = {
      actor: {
        platform: 'cli' as const,
        userId: role === 'global-admin' ? 'admin' : 'person',
        displayName: 'Person',
        locale: 'en' as const,
      },
      conversation: { platform: 'cli' as const, conversationId: 'terminal', name: 'terminal' },
    };
    const help = (await conversation.handleText(turn, 'help'))[0] as HelpView;
    const offered = new Set(help.sections.flatMap((s) => s.commands.map((c) => c.usage)));
    // What this deployment (the embedded directory) cannot carry out is not offered to anyone.
    const deploymentCan = (command: (typeof commands)[number]) => !command.needs || service.capabilities().includes(command.needs);

    for (const command of commands) {
      const text = `${command.phrases.en[0]}${ARGS[command.name] ? ` ${ARGS[command.name]}` : ''}`;
      const refused = refusedForRole(await conversation.handleText(turn, text));
      expect({ command: command.name, offered: offered.has(command.usage.en) }).toEqual({
        command: command.name,
        offered: !refused && deploymentCan(command),
      });
    }
  });

  it('lists every command in exactly one part of help', () => {
    const listed = Object.values(HELP_SECTIONS).flat();
    expect([...listed].sort()).toEqual(commands.map((c) => c.name).sort());
  });

  it('does not offer add provider to an Admin agent, whom the service refuses', async () => {
    const { service } = await testService();
    await service.grantRole(admin, { role: 'admin-agent', principal: 'cli:carla' });
    const carla = { platform: 'cli' as const, userId: 'carla', displayName: 'Carla', locale: 'en' as const };
    expect(service.whoami(carla).permissions).not.toContain('addProvider');
    await expect(service.addProvider(carla, { name: 'Fabrikam' })).rejects.toMatchObject({ key: 'error.globalAdminOnly' });
  });
});
