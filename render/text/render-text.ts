/** Renders views as aligned terminal text, with their actions as numbered choices. */
import { namingText, type ActionModel, type Fact, type View } from '../../views/index.js';
import { t } from '../../i18n/catalogue.js';

/** Choices the terminal chat answers itself (editing the draft before Done), never sent as verbs. */
export interface LocalAction {
  verb: 'local.subject' | 'local.body' | 'local.acquisition' | 'local.company' | 'local.email';
  title: string;
  data?: undefined;
}

export interface Choice {
  label: string;
  action: ActionModel | LocalAction;
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

export const plain: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s };
export const ansi: Style = {
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
  dim: (s) => `\u001b[2m${s}\u001b[22m`,
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  green: (s) => `\u001b[32m${s}\u001b[39m`,
};

function facts(list: Fact[], indent = '  '): string[] {
  const width = Math.max(0, ...list.map((f) => f.title.length));
  return list.map((f) => (f.title ? `${indent}${f.title.padEnd(width)}  ${f.value}` : `${indent}${f.value}`));
}

const indentBlock = (text: string, indent = '  ') => text.split('\n').map((l) => indent + l);

/** An email to copy: its label, then the subject and the body, indented under it. */
const copyText = (label: string, subject: string, body: string) => [`${label}:`, `  ${subject}`, '', ...indentBlock(body)];

/**
 * C0 and C1 control characters but newline and tab, and bidi overrides: a name typed on the
 * customer's page could otherwise carry ESC sequences that recolour, retitle or clear the
 * terminal, or reorder what is shown around it.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const stripControls = (text: string) => text.replace(CONTROL, '');

/** A copy of `value` with every string stripped; the view itself stays as it was (it is submitted back). */
function printable<T>(value: T): T {
  if (typeof value === 'string') return stripControls(value) as T;
  if (Array.isArray(value)) return value.map(printable) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)])) as T;
}

/** Returns the lines to print and the actions the user can pick by number. */
export function renderText(shown: View, style: Style = plain): { lines: string[]; choices: Choice[] } {
  const view = printable(shown);
  const lines: string[] = [];
  const choices: Choice[] = [];
  const title = (text: string) => text && lines.push(style.bold(text));
  const add = (actions: ActionModel[]) => choices.push(...actions.map((action) => ({ label: action.title, action })));

  switch (view.kind) {
    case 'message':
      lines.push(view.tone === 'error' ? style.red(view.text) : view.tone === 'success' ? style.green(view.text) : view.text);
      break;
    case 'help': {
      title(view.title);
      lines.push(view.intro);
      const width = Math.max(...view.sections.flatMap((s) => s.commands.map((c) => c.usage.length)));
      for (const section of view.sections) {
        lines.push('', style.bold(section.title));
        for (const c of section.commands) lines.push(`  ${c.usage.padEnd(width)}  ${style.dim(c.description)}`);
      }
      add(view.actions);
      break;
    }
    case 'draft':
      title(view.title);
      lines.push(view.intro, ...facts(view.facts));
      lines.push(
        `  ${view.companyLabel}: ${view.companyName || '-'}`,
        `  ${view.emailLabel}: ${view.customerEmail || '-'}`,
        `  ${view.acquisitionLabel}: ${view.acquisitionChoices.find((c) => c.value === view.acquisition)?.title ?? view.acquisition}`,
      );
      if (view.inviteeError) lines.push(style.red(view.inviteeError));
      lines.push('', ...copyText(view.copyLabel, view.subject, view.body));
      if (view.bodyError) lines.push('', style.red(view.bodyError));
      lines.push('', `${view.linkLabel}: ${view.link}`);
      add(view.actions);
      break;
    case 'sent':
      title(view.title);
      lines.push(view.text, view.next, ...facts(view.facts), '', ...copyText(view.copyLabel, view.subject, view.body));
      break;
    case 'providerPicker':
      title(view.title);
      lines.push(view.intro);
      for (const choice of view.choices) {
        choices.push({
          label: choice.title,
          // What the picker carries (the company and email typed with the command), and the provider chosen.
          action: { verb: view.actions[0]!.verb, title: choice.title, data: { ...view.actions[0]!.data, providerId: choice.value } },
        });
      }
      break;
    case 'customerList':
      title(view.title);
      lines.push(view.summary);
      if (view.empty) lines.push(view.empty);
      for (const row of view.rows) {
        lines.push(`  ${row.name.padEnd(28)} ${row.domain.padEnd(24)} ${style.dim(`${row.status} · ${row.counts}`)}`);
        choices.push({ label: `${row.open.title}: ${row.name}`, action: row.open });
      }
      add(view.actions);
      choices.push({ label: view.searchLabel, action: view.searchAction });
      break;
    case 'customerDetails':
      title(view.title);
      lines.push(style.dim(view.summary), ...facts(view.facts));
      // A long section is folded until chosen: its title, and a choice that unfolds it.
      for (const section of view.sections) {
        const marker = section.toggle ? (section.open ? '▲ ' : '▼ ') : '';
        lines.push(`  ${marker}${style.bold(section.title)}`);
        if (section.toggle) choices.push({ label: `${section.toggle.title}: ${section.title}`, action: section.toggle });
        if (!section.open) continue;
        lines.push(...section.lines.map((l) => `    ${l}`));
        add(section.actions);
      }
      if (view.link) lines.push(`${view.link.title}: ${view.link.url}`);
      add(view.actions);
      break;
    case 'attestation':
      title(view.title);
      lines.push(
        view.intro,
        '',
        style.bold(view.attestationTitle),
        view.statement,
        '',
        view.dapNotice,
        view.legalNotice,
        style.dim(view.version),
      );
      if (view.error) lines.push(style.red(view.error));
      add(view.actions);
      break;
    case 'bulkForm':
      // No form in a terminal: the lines follow the command, or a file's path does.
      title(view.title);
      lines.push(view.intro, t(view.locale, 'ui.bulk.terminalHint'));
      if (view.error) lines.push(style.red(view.error));
      break;
    case 'outcome':
    case 'accepted':
      title(view.title);
      lines.push(view.text, ...(view.kind === 'accepted' ? [namingText(view.invitedBy)] : []), ...facts(view.facts));
      if (view.kind === 'outcome' && view.link) lines.push(`${view.link.title}: ${view.link.url}`);
      add(view.actions);
      break;
    case 'digest':
      // The terminal shows no image: the chart's alt text carries the same figures.
      title(view.title);
      lines.push(style.dim(view.intro));
      for (const section of view.sections) {
        lines.push('', `  ${style.bold(section.title)}`, ...section.lines.map((l) => `    ${l}`));
        add([section.action]);
      }
      lines.push('', view.chartText, style.dim(view.note));
      break;
    case 'list':
      title(view.title);
      if (view.note) lines.push(view.note);
      if (view.empty) lines.push(view.empty);
      for (const row of view.rows) {
        lines.push(`  ${row.text}`);
        // A choice says which row it acts on: the views' buttons mostly name it already; a generic one gets the row's name.
        const name = row.text.replace(/^(\d+\.|–)\s*/, '').split(/[:,<]/)[0]!.trim();
        add(row.actions.map((a) => (a.title.includes(name) ? a : { ...a, title: `${a.title}: ${name}` })));
      }
      break;
  }
  choices.forEach((choice, i) => lines.push(style.dim(`  [${i + 1}] ${choice.label}`)));
  return { lines, choices };
}
