/**
 * Block Kit from the view models the Teams cards use: messages, the two modals (email draft,
 * attestation) and the App Home. Pure functions. View models carry plain text: every view string
 * that goes into mrkdwn passes through `escapeMrkdwn`, and only the markup written here is live.
 *
 * Buttons carry `action_id = csp:<verb>:<n>` and their data as JSON in `value`; the surface
 * hands both to the conversation handler, which hands ids to the service to re-check.
 */
import { t } from '../../i18n/catalogue.js';
import { multiLine, singleLine } from '../../bot/service/text.js';
import { escapeControl, escapeMrkdwn, mrkdwnLink, namingMrkdwn } from './mrkdwn.js';
import type { Verb } from '../../views/verbs.js';
import type { Locale } from '../../store/schema.js';
import type {
  ActionModel,
  AttestationView,
  BulkFormView,
  CustomerDetailsView,
  CustomerRow,
  DraftView,
  Fact,
  HelpView,
  HomeView,
  LinkModel,
  View,
} from '../../views/index.js';
import type { types } from '@slack/bolt';
import { clip, MAX, withinLimits, type Block } from './limits.js';
import { inputBlockId } from './modal-inputs.js';
import { isLoopbackUrl } from '../../bot/server/url.js';

export type { Block };
export interface SlackMessage {
  text: string;
  blocks: Block[];
}
export interface ModalMeta {
  /** Where the modal was opened from: the channel, and the message to update afterwards. */
  channel: string;
  ts?: string;
  /** The language the modal is in, so its submission is answered in it too. */
  lang?: Locale;
}

export { escapeMrkdwn };
export { draftRevision, inputBlockId, submittedBlockId } from './modal-inputs.js';

// Plain text is not parsed, but shown: controls and direction overrides go (bot/service/text.ts).
const plain = (text: string, max: number = MAX.plain) => ({
  type: 'plain_text' as const,
  text: clip(multiLine(text) || ' ', max),
  emoji: true,
});
// `verbatim`: Slack would otherwise link bare URLs and channel names, and parse some mentions.
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: clip(text, MAX.section), verbatim: true });
const header = (text: string): Block => ({ type: 'header', text: plain(text, MAX.header) });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(text)] });
const divider: Block = { type: 'divider' };
const bullets = (lines: string[]) => lines.map((l) => `• ${escapeMrkdwn(l)}`).join('\n');
/** Catalogue texts are plain text like the rest (their backticks stay code spans). */
const catalogue = escapeMrkdwn;

function factsBlock(facts: Fact[]): Block[] {
  const shown = facts.filter((f) => f.value);
  if (!shown.length) return [];
  return [
    {
      type: 'section',
      fields: shown
        .slice(0, MAX.fields)
        .map((f) => mrkdwn(clip(f.title ? `*${escapeMrkdwn(f.title)}*\n${escapeMrkdwn(f.value)}` : escapeMrkdwn(f.value), MAX.field))),
    },
  ];
}

export const actionId = (verb: Verb, n: number) => `csp:${verb}:${n}`;

/** The verb and data of a `csp:` action; the data is whatever the client sent, to be re-checked. */
export function decodeAction(action: {
  action_id?: unknown;
  block_id?: unknown;
  value?: unknown;
  selected_option?: unknown;
}): { verb: string; data: Record<string, unknown> } | null {
  const match = typeof action.action_id === 'string' ? /^csp:([a-zA-Z.]+):\d+$/.exec(action.action_id) : null;
  if (!match) return null;
  const verb = match[1]!;
  const selected = action.selected_option as { value?: unknown } | undefined;
  if (selected && typeof selected.value === 'string')
    return { verb, data: { ...carriedData(action.block_id), providerId: selected.value } };
  if (typeof action.value !== 'string' || !action.value) return { verb, data: {} };
  if (verb === 'customers.search') return { verb, data: { query: action.value } };
  try {
    const data: unknown = JSON.parse(action.value);
    return { verb, data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {} };
  } catch {
    return { verb, data: {} };
  }
}

/**
 * A select sends only the option chosen: what its card carries besides (the company and email
 * typed with the command, the language) rides in its block's id, when it fits Slack's 255 characters.
 */
const CARRIED = 'csp-data:';
function carriedBlockId(data: ActionModel['data']): { block_id?: string } {
  const id = data && Object.keys(data).length ? CARRIED + JSON.stringify(data) : '';
  return id && id.length <= MAX.blockId ? { block_id: id } : {};
}
function carriedData(blockId: unknown): Record<string, unknown> {
  if (typeof blockId !== 'string' || !blockId.startsWith(CARRIED)) return {};
  try {
    const data: unknown = JSON.parse(blockId.slice(CARRIED.length));
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function button(action: ActionModel, n: number): Block {
  return {
    type: 'button',
    action_id: actionId(action.verb, n),
    text: plain(action.title, MAX.button),
    value: clip(JSON.stringify(action.data ?? {}), MAX.value),
    ...(action.style === 'positive' ? { style: 'primary' } : action.style === 'destructive' ? { style: 'danger' } : {}),
  };
}

/**
 * A customer row's button says which row it opens ("Details: Adatum"): a column of identical
 * "Details" buttons reads badly and says nothing to a screen reader. The name is what is cut to
 * keep within Slack's 75 characters.
 */
function rowButton(locale: View['locale'], row: CustomerRow, n: number): Block {
  const room = MAX.button - t(locale, 'ui.list.detailsOf', { name: '' }).length;
  return button({ ...row.open, title: t(locale, 'ui.list.detailsOf', { name: clip(singleLine(row.name), room) }) }, n);
}

/** Help, one section per part (customers, invitations, administration, general). */
const helpSections = (view: HelpView): Block[] =>
  view.sections.map((s) =>
    section(
      `*${escapeMrkdwn(s.title)}*\n${s.commands.map((c) => `\`/csp ${escapeMrkdwn(c.usage)}\`  ${escapeMrkdwn(c.description)}`).join('\n')}`,
    ),
  );

function actionsBlock(actions: ActionModel[], offset = 0): Block[] {
  if (!actions.length) return [];
  return [{ type: 'actions', elements: actions.slice(0, MAX.actions).map((a, i) => button(a, offset + i)) }];
}

/** A link button opens the page itself; Slack still posts the click, which the bot only acknowledges. */
const linkBlock = (link: LinkModel | undefined): Block[] =>
  link
    ? [{ type: 'actions', elements: [{ type: 'button', action_id: 'open-link', text: plain(link.title, MAX.button), url: link.url }] }]
    : [];

/**
 * In a message, the action that submits a form (Done, Remove) becomes a button opening the modal
 * that holds the form; the submission then comes from the modal.
 */
const withModalOpener = (actions: ActionModel[], submitVerb: Verb, opener: ActionModel) => [
  opener,
  ...actions.filter((a) => a.verb !== submitVerb),
];

// Nothing is parsed inside a code block but Slack's control characters; URLs stay whole for copying.
const codeBlock = (text: string) => '```' + escapeControl(text).replace(/```/g, "'''") + '```';

/** An email to copy: its label, then subject and body in one code block. */
const copyBlock = (label: string, subject: string, body: string) =>
  section(`*${escapeMrkdwn(label)}*\n${codeBlock(`${subject}\n\n${body}`)}`);

/** "Open in your email app": left out when the link would not fit a section whole (a cut mailto link opens nothing useful). */
function mailtoBlock(mailto: string, label: string): Block[] {
  const text = mrkdwnLink(mailto, label);
  return text.length <= MAX.section ? [section(text)] : [];
}

/**
 * A customer's details section. A long one shows its title with a button that unfolds it (the
 * bot answers with the same message, this section open), and its lines and pager when open.
 */
function detailsSection(s: CustomerDetailsView['sections'][number], n: number): Block[] {
  const pager = actionsBlock(s.actions, n + 1);
  if (!s.toggle) return [section(`*${escapeMrkdwn(s.title)}*\n${bullets(s.lines)}`), ...pager];
  const toggle = button({ ...s.toggle, title: `${s.toggle.title} ${s.open ? '▲' : '▼'}` }, n);
  const head: Block = { type: 'section', text: mrkdwn(`*${escapeMrkdwn(s.title)}*`), accessory: toggle };
  return s.open ? [head, section(bullets(s.lines)), ...pager] : [head];
}

/** A chat message for any view. Draft and attestation views get a button that opens their modal. */
export function toSlackMessage(view: View): SlackMessage {
  const blocks: Block[] = [];
  switch (view.kind) {
    case 'message': {
      const icon = view.tone === 'error' ? ':warning: ' : view.tone === 'success' ? ':white_check_mark: ' : '';
      blocks.push(section(`${icon}${view.title ? `*${escapeMrkdwn(view.title)}*\n` : ''}${catalogue(view.text)}`));
      break;
    }
    case 'help':
      blocks.push(header(view.title), section(catalogue(view.intro)));
      blocks.push(...helpSections(view));
      blocks.push(...actionsBlock(view.actions));
      break;
    case 'draft':
      blocks.push(header(view.title), section(escapeMrkdwn(view.intro)), ...factsBlock(view.facts));
      // The whole email, subject and body with the link, to copy before Done.
      blocks.push(copyBlock(view.copyLabel, view.subject, view.body));
      if (view.bodyError) blocks.push(section(`:warning: ${escapeMrkdwn(view.bodyError)}`));
      blocks.push(...mailtoBlock(view.mailto, view.openLabel));
      blocks.push(context(`${escapeMrkdwn(view.linkLabel)}: ${mrkdwnLink(view.link)}`));
      blocks.push(
        ...actionsBlock(
          withModalOpener(view.actions, 'invitation.done', {
            verb: 'invitation.open',
            title: t(view.locale, 'ui.draft.edit'),
            style: 'positive',
            data: { invitationId: view.invitationId, ...(view.token ? { token: view.token } : {}) },
          }),
        ),
      );
      break;
    case 'sent':
      blocks.push(header(view.title), section(escapeMrkdwn(view.text)), ...factsBlock(view.facts));
      blocks.push(copyBlock(view.copyLabel, view.subject, view.body));
      blocks.push(...mailtoBlock(view.mailto, view.openLabel), context(escapeMrkdwn(view.next)));
      break;
    case 'providerPicker':
      blocks.push(header(view.title), section(escapeMrkdwn(view.intro)));
      blocks.push({
        type: 'actions',
        ...carriedBlockId(view.actions[0]?.data),
        elements: [
          {
            type: 'static_select',
            action_id: actionId('invitation.draftWithProvider', 0),
            placeholder: plain(view.label, MAX.option),
            options: view.choices.slice(0, 100).map((c) => ({ text: plain(c.title, MAX.option), value: c.value })),
          },
        ],
      });
      break;
    case 'customerList':
      blocks.push(header(view.title), section(escapeMrkdwn(view.summary)));
      blocks.push({
        type: 'input',
        block_id: 'search',
        dispatch_action: true,
        label: plain(view.searchLabel, MAX.button),
        element: {
          type: 'plain_text_input',
          action_id: actionId('customers.search', 0),
          ...(view.query ? { initial_value: view.query } : {}),
          dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
        },
      });
      if (view.empty) blocks.push(section(escapeMrkdwn(view.empty)));
      view.rows.forEach((row, i) => {
        blocks.push({
          type: 'section',
          text: mrkdwn(
            `*${escapeMrkdwn(row.name)}*\n${escapeMrkdwn(row.domain)} · ${escapeMrkdwn(row.status)} · ${escapeMrkdwn(row.counts)}`,
          ),
          accessory: rowButton(view.locale, row, i),
        });
      });
      blocks.push(...actionsBlock(view.actions, view.rows.length));
      break;
    case 'customerDetails': {
      blocks.push(header(view.title), context(escapeMrkdwn(view.summary)), ...factsBlock(view.facts));
      // Each section's toggle and paging buttons sit with it; action ids stay unique across the message.
      let n = 0;
      for (const s of view.sections) {
        blocks.push(...detailsSection(s, n));
        n += s.actions.length + 1;
      }
      blocks.push(...actionsBlock(view.actions, n), ...linkBlock(view.link));
      break;
    }
    case 'attestation':
      blocks.push(header(view.title), section(escapeMrkdwn(view.intro)), context(escapeMrkdwn(view.version)));
      if (view.error) blocks.push(section(`:warning: ${escapeMrkdwn(view.error)}`));
      blocks.push(
        ...actionsBlock(
          withModalOpener(view.actions, 'removal.confirm', {
            verb: 'removal.open',
            title: t(view.locale, 'ui.attest.review'),
            style: 'destructive',
            data: { removalId: view.removalId },
          }),
        ),
      );
      break;
    case 'bulkForm':
      // The lines are typed in a modal: the button opens it.
      blocks.push(header(view.title), section(escapeMrkdwn(view.intro)), context(escapeMrkdwn(t(view.locale, 'ui.bulk.slackLimit'))));
      if (view.error) blocks.push(section(`:warning: ${escapeMrkdwn(view.error)}`));
      blocks.push(...actionsBlock([{ verb: 'bulk.start', title: view.title, style: 'positive' }]));
      break;
    case 'outcome':
      blocks.push(header(view.title), section(escapeMrkdwn(view.text)), ...factsBlock(view.facts));
      blocks.push(...actionsBlock(view.actions), ...linkBlock(view.link));
      break;
    case 'accepted':
      blocks.push(header(view.title), section(`${escapeMrkdwn(view.text)}\n${namingMrkdwn(view.invitedBy)}`), ...factsBlock(view.facts));
      blocks.push(...actionsBlock(view.actions));
      break;
    case 'digest':
      blocks.push(header(view.title), context(escapeMrkdwn(view.intro)));
      // Slack fetches the image from PUBLIC_URL when the message is posted, and refuses the whole
      // message when it cannot: an address only this machine reaches gets the figures in words.
      if (view.image && !isLoopbackUrl(view.image.url))
        blocks.push({ type: 'image', image_url: view.image.url, alt_text: clip(view.image.altText, MAX.altText) });
      else blocks.push(context(escapeMrkdwn(view.chartText)));
      view.sections.forEach((s, i) => {
        blocks.push({ type: 'section', text: mrkdwn(`*${escapeMrkdwn(s.title)}*\n${bullets(s.lines)}`), accessory: button(s.action, i) });
      });
      blocks.push(context(catalogue(view.note)));
      break;
    case 'list':
      blocks.push(header(view.title));
      if (view.note) blocks.push(context(escapeMrkdwn(view.note)));
      if (view.empty) blocks.push(section(escapeMrkdwn(view.empty)));
      view.rows.forEach((row, i) => {
        const [first] = row.actions;
        blocks.push({ type: 'section', text: mrkdwn(escapeMrkdwn(row.text)), ...(first ? { accessory: button(first, i) } : {}) });
      });
      break;
  }
  return { text: escapeMrkdwn(clip(view.fallbackText, MAX.messageText)), blocks: withinLimits(blocks, MAX.messageBlocks, view.locale) };
}

const modalBase = (title: string, meta: object) => ({
  type: 'modal' as const,
  title: plain(title, MAX.modalTitle),
  private_metadata: JSON.stringify(meta),
});

/** Values the modals' inputs are read back from: `state.values[block][action]`. */
export const INPUT = {
  subject: 'subject',
  body: 'body',
  acquisition: 'acquisition',
  companyName: 'companyName',
  customerEmail: 'customerEmail',
  attest: 'attest',
  lines: 'lines',
  action: 'value',
} as const;
export const CALLBACK = { draft: 'invitation.draft', attestation: 'removal.attest', notice: 'notice', bulk: 'bulk.lines' } as const;

/** A modal input, read back as `state.values[blockId].value`. */
const input = (blockId: string, label: string, element: Block): Block => ({
  type: 'input',
  block_id: blockId,
  label: plain(label, MAX.button),
  element: { ...element, action_id: INPUT.action },
});

/** The email draft: the text to copy, then subject and body with the link to edit, how the customer came to us; Done marks it sent. */
/** `revision`: how many times the bot has written the email again in this modal (see `inputBlockId`). */
export function toDraftModal(view: DraftView, meta: ModalMeta, revision = 0): types.ModalView {
  const l = view.locale;
  const selected = view.acquisitionChoices.find((c) => c.value === view.acquisition);
  const language = view.actions.filter((a) => a.verb === 'invitation.language');
  const inviteeError = (on: 'companyName' | 'customerEmail') =>
    view.inviteeError && view.inviteeErrorOn === on ? [context(`:warning: ${escapeMrkdwn(view.inviteeError)}`)] : [];
  return {
    ...modalBase(t(l, 'ui.draft.short'), { ...meta, invitationId: view.invitationId, ...(view.token ? { token: view.token } : {}) }),
    callback_id: CALLBACK.draft,
    submit: plain(view.actions.find((a) => a.verb === 'invitation.done')?.title ?? 'Done', MAX.modalTitle),
    close: plain(t(l, 'ui.modal.close'), MAX.modalTitle),
    blocks: withinLimits(
      [
        section(`*${escapeMrkdwn(view.title)}*\n${escapeMrkdwn(view.intro)}`),
        ...factsBlock(view.facts),
        // The whole email to copy before Done, and the same in the inputs below to edit.
        copyBlock(view.copyLabel, view.subject, view.body),
        ...mailtoBlock(view.mailto, view.openLabel),
        // "Write it in Italian": the email again in the other language, in this modal (views.update).
        ...actionsBlock(language),
        // Who it is for: both optional (Slack refuses an empty initial value, so none is given then).
        {
          ...input(INPUT.companyName, view.companyLabel, {
            type: 'plain_text_input',
            max_length: 120,
            ...(view.companyName ? { initial_value: view.companyName } : {}),
          }),
          optional: true,
        },
        ...inviteeError('companyName'),
        {
          ...input(INPUT.customerEmail, view.emailLabel, {
            type: 'email_text_input',
            ...(view.customerEmail ? { initial_value: view.customerEmail } : {}),
          }),
          optional: true,
        },
        ...inviteeError('customerEmail'),
        input(inputBlockId(INPUT.subject, revision), view.subjectLabel, {
          type: 'plain_text_input',
          initial_value: view.subject,
          max_length: 300,
        }),
        input(inputBlockId(INPUT.body, revision), view.bodyLabel, {
          type: 'plain_text_input',
          multiline: true,
          initial_value: view.body,
          max_length: 3000,
        }),
        input(INPUT.acquisition, view.acquisitionLabel, {
          type: 'static_select',
          options: view.acquisitionChoices.map((c) => ({ text: plain(c.title, MAX.option), value: c.value })),
          ...(selected ? { initial_option: { text: plain(selected.title, MAX.option), value: selected.value } } : {}),
        }),
        context(`${escapeMrkdwn(view.linkLabel)}: ${mrkdwnLink(view.link)}`),
      ],
      MAX.viewBlocks,
      l,
    ),
  };
}

/** The attestation: Microsoft's statement once, the DAP and legal notices, a required checkbox confirming it. */
export function toAttestationModal(view: AttestationView, meta: ModalMeta): types.ModalView {
  const l = view.locale;
  return {
    ...modalBase(t(l, 'ui.attest.short'), { ...meta, removalId: view.removalId }),
    callback_id: CALLBACK.attestation,
    submit: plain(view.actions.find((a) => a.verb === 'removal.confirm')?.title ?? 'Remove', MAX.modalTitle),
    close: plain(t(l, 'ui.attest.cancel'), MAX.modalTitle),
    blocks: withinLimits(
      [
        section(`*${escapeMrkdwn(view.title)}*\n${escapeMrkdwn(view.intro)}`),
        section(`*${escapeMrkdwn(view.attestationTitle)}*\n${escapeMrkdwn(view.statement)}`),
        section(escapeMrkdwn(view.dapNotice)),
        context(escapeMrkdwn(view.legalNotice)),
        input(INPUT.attest, t(l, 'ui.attest.review'), {
          type: 'checkboxes',
          options: [{ text: plain(view.toggleLabel, MAX.option), value: 'attest' }],
        }),
        context(escapeMrkdwn(view.version)),
      ],
      MAX.viewBlocks,
      l,
    ),
  };
}

/** Slack's limit on a multi-line plain_text_input; a longer list goes as a CSV file (the modal says so). */
export const BULK_INPUT_MAX = 3000;

/** Bulk invitations: the lines, one a line, in one box; a longer list goes as a CSV file in a direct message. */
export function toBulkModal(view: BulkFormView, meta: ModalMeta): types.ModalView {
  const l = view.locale;
  return {
    ...modalBase(view.title, meta),
    callback_id: CALLBACK.bulk,
    submit: plain(view.actions[0]?.title ?? view.title, MAX.modalTitle),
    close: plain(t(l, 'ui.modal.close'), MAX.modalTitle),
    blocks: [
      section(escapeMrkdwn(view.intro)),
      input(INPUT.lines, view.label, {
        type: 'plain_text_input',
        multiline: true,
        max_length: BULK_INPUT_MAX,
        placeholder: plain(view.placeholder.split('\n')[0]!, 150),
        ...(view.text ? { initial_value: view.text.slice(0, BULK_INPUT_MAX) } : {}),
      }),
      context(escapeMrkdwn(t(l, 'ui.bulk.slackLimit'))),
    ],
  };
}

/** A modal that only says something (an error after a submission, for instance). */
export function toNoticeModal(view: View, title: string): types.ModalView {
  return {
    ...modalBase(title, {}),
    callback_id: CALLBACK.notice,
    close: plain(t(view.locale, 'ui.modal.close'), MAX.modalTitle),
    blocks: toSlackMessage(view).blocks,
  };
}

export function toHomeTab(view: HomeView): types.HomeView {
  const blocks: Block[] = [header(view.title), section(catalogue(view.role)), ...factsBlock(view.facts)];
  if (view.facts.length) {
    blocks.push(
      divider,
      section(
        `*${escapeMrkdwn(view.recentTitle)}*\n${view.recent.length ? bullets(view.recent) : escapeMrkdwn(t(view.locale, 'ui.home.noneRecent'))}`,
      ),
    );
  }
  blocks.push(...actionsBlock(view.actions));
  return { type: 'home', blocks: withinLimits(blocks, MAX.viewBlocks, view.locale) };
}
