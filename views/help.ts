/** What the bot says first (the welcome), `help` grouped by what it is about, and the buttons they share. */
import type { Role } from '../store/schema.js';
import { t } from '../i18n/catalogue.js';
import { commands, type CommandName, type CommandSpec } from '../bot/commands/parse.js';
import { can, may, outcomeView, roleName, type ActionModel, type Base, type OutcomeView, type Viewer } from './common.js';

/** Help's parts, in order, each with its commands in reading order; every command is in one. */
export const HELP_SECTIONS = {
  customers: ['listCustomers', 'customer', 'providers', 'removeRelationship', 'refreshCustomers', 'endAdminAccess', 'exportCustomers', 'gaps'],
  invitations: [
    'invite',
    'inviteWithProvider',
    'invitations',
    'onboarding',
    'revokeInvitation',
    'notifyHere',
    'notifyOff',
    'inviteCustomers',
    'digestHere',
    'digestOff',
    'digest',
  ],
  admin: [
    'grant',
    'revokeRole',
    'addProvider',
    'partnerName',
    'notifications',
    'audit',
    'status',
    'connectPartnerCenter',
    'disconnectPartnerCenter',
    'exportAudit',
  ],
  general: ['whoami', 'language', 'help'],
} as const satisfies Record<string, readonly CommandName[]>;

const specOf = (name: CommandName) => commands.find((c) => c.name === name)!;

export interface HelpCommand {
  usage: string;
  description: string;
  adminOnly: boolean;
}

export interface HelpView extends Base {
  kind: 'help';
  intro: string;
  /** Customers, invitations, administration, general: only the parts with a command to show. */
  sections: Array<{ title: string; commands: HelpCommand[] }>;
  actions: ActionModel[];
}

/** Whether help offers the command: the viewer may run it and the deployment can carry it out. */
const offered = (viewer: Viewer, c: CommandSpec) => (!c.permission || may(viewer, c.permission)) && (!c.needs || can(viewer, c.needs));

const run = (title: string, command: CommandName, style?: ActionModel['style']): ActionModel => ({
  verb: 'command',
  title,
  ...(style ? { style } : {}),
  data: { command },
});

/**
 * The main buttons, in words (the same on every surface): Invite a customer for those who may
 * invite (the main one), List customers for anyone with a role, and what `extra` adds.
 */
function mainActions(viewer: Viewer, extra: Array<'invitations' | 'help'>): ActionModel[] {
  const l = viewer.locale;
  const invite = may(viewer, 'invite');
  const actions: ActionModel[] = [];
  if (invite) actions.push(run(t(l, 'ui.action.invite'), 'invite', 'positive'));
  if (may(viewer, 'look')) actions.push(run(t(l, 'ui.action.listCustomers'), 'listCustomers', invite ? undefined : 'positive'));
  if (extra.includes('invitations') && may(viewer, 'look')) actions.push(run(t(l, 'ui.action.invitations'), 'invitations'));
  if (extra.includes('help')) actions.push(run(t(l, 'ui.action.help'), 'help', actions.length ? undefined : 'positive'));
  return actions;
}

export function toHelpView(viewer: Viewer): HelpView {
  const l = viewer.locale;
  const title = t(l, 'ui.help.title');
  const sections = (Object.keys(HELP_SECTIONS) as Array<keyof typeof HELP_SECTIONS>)
    .map((section) => ({
      title: t(l, `ui.help.section.${section}`),
      commands: HELP_SECTIONS[section]
        .map(specOf)
        .filter((c) => offered(viewer, c))
        .map((c) => ({
          usage: c.usage[l],
          description: t(l, `ui.help.${c.name}`),
          adminOnly: Boolean(c.permission && c.permission !== 'look'),
        })),
    }))
    .filter((s) => s.commands.length > 0);
  return {
    kind: 'help',
    locale: l,
    title,
    intro: t(l, 'ui.help.intro'),
    fallbackText: title,
    sections,
    actions: mainActions(viewer, ['invitations']),
  };
}

/** Who the person is to the bot, and whose bot it is, for the first message. */
export interface Welcome {
  role: Role | null;
  partnerName: string | null;
}

/** Where a person without a role gets one: granted in the bot, or from the partner tenant's groups. */
export const noRoleHint = (viewer: Viewer) =>
  t(viewer.locale, can(viewer, 'microsoft') ? 'ui.home.noRoleInPartnerTenant' : 'ui.home.noRole');

/**
 * The first message (installing the app, opening the bot's chat, starting the terminal chat):
 * who I am in one sentence, the person's role in words, and three buttons. Not the whole help.
 */
export function toWelcomeView(viewer: Viewer, welcome: Welcome): OutcomeView {
  const l = viewer.locale;
  const intro = welcome.partnerName ? t(l, 'ui.welcome.introFor', { partner: welcome.partnerName }) : t(l, 'ui.welcome.intro');
  return outcomeView(l, t(l, 'ui.welcome.title'), welcome.role ? intro : `${intro}\n${noRoleHint(viewer)}`, {
    facts: [{ title: t(l, 'ui.welcome.role'), value: roleName(l, welcome.role) }],
    actions: mainActions(viewer, ['help']),
  });
}

/** The App Home's buttons: the main ones, the invitations, and help. */
export const homeActions = (viewer: Viewer): ActionModel[] => (may(viewer, 'look') ? mainActions(viewer, ['invitations', 'help']) : []);
