/** Renders view models as Adaptive Cards 1.5 for Teams, from the JSON templates in render/teams/templates/. */
import { createRequire } from 'node:module';
import type * as ACDataModule from 'adaptivecards-templating';
import { namingText, type ActionModel, type CustomerDetailsView, type LinkModel, type View } from '../../views/index.js';
import { compileTemplate } from './compiled-template.js';
import { escapeCardText, teamsText } from './teams-text.js';
import { placeNaming } from './mention.js';
import { t } from '../../i18n/catalogue.js';
import accepted from './templates/accepted.json' with { type: 'json' };
import attestation from './templates/attestation.json' with { type: 'json' };
import bulkForm from './templates/bulk-form.json' with { type: 'json' };
import customerDetails from './templates/customer-details.json' with { type: 'json' };
import customerList from './templates/customer-list.json' with { type: 'json' };
import digest from './templates/digest.json' with { type: 'json' };
import draft from './templates/draft.json' with { type: 'json' };
import help from './templates/help.json' with { type: 'json' };
import list from './templates/list.json' with { type: 'json' };
import message from './templates/message.json' with { type: 'json' };
import outcome from './templates/outcome.json' with { type: 'json' };
import providerPicker from './templates/provider-picker.json' with { type: 'json' };
import sent from './templates/sent.json' with { type: 'json' };

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

const sources: Record<View['kind'], object> = {
  attestation,
  bulkForm,
  customerDetails,
  customerList,
  draft,
  help,
  list,
  message,
  outcome,
  accepted,
  providerPicker,
  sent,
  digest,
};

type Expand = (model: object) => unknown;

/**
 * A template expanded by adaptivecards-templating itself: the reference the compiled expanders
 * are tested against, and the fallback for a template that uses more of the language than
 * compiled-template.ts takes. The library and its expression engine (about 100 ms and 24 MB to
 * load) are loaded only then.
 */
export function expanderOf(source: object): Expand {
  const ACData = createRequire(import.meta.url)('adaptivecards-templating') as typeof ACDataModule;
  const template = new ACData.Template(source);
  return (model) => template.expand({ $root: model });
}

/**
 * Each template compiled once, at first use, into plain property lookups: the library evaluates
 * every `${…}` through its expression engine on every expansion, which was the largest part of a
 * card action's time (bench/RESULTS.md, "Where a card action's time went").
 */
const expanders: Partial<Record<View['kind'], Expand>> = {};
const expand = (kind: View['kind'], model: object) =>
  (expanders[kind] ??= compileTemplate(sources[kind]) ?? expanderOf(sources[kind]))(model);

/** The template and the model a view is expanded with (for the tests that look at the card before escaping). */
export function templateInput(view: View): { source: object; model: Record<string, unknown> } {
  return { source: sources[view.kind], model: modelOf(view) };
}

/**
 * A Universal Action (`Action.Execute`, answered in place by the bot) with an `Action.Submit`
 * fallback for clients before 1.4; both carry `verb` in their data so either routes the same way.
 */
export function toAdaptiveAction(action: ActionModel): Record<string, unknown> {
  const style = action.style && action.style !== 'default' ? { style: action.style } : {};
  const data = { verb: action.verb, ...action.data };
  // Cancel and navigation must not validate (or send) the card's inputs.
  const inputs = action.verb === 'removal.cancel' || action.verb === 'invitation.revoke' ? { associatedInputs: 'none' } : {};
  return {
    type: 'Action.Execute',
    verb: action.verb,
    title: action.title,
    data,
    ...style,
    ...inputs,
    fallback: { type: 'Action.Submit', title: action.title, data, ...style, ...inputs },
  };
}

/** A link button: opens the URL in the client, nothing comes back to the bot. */
const openUrl = (title: string, url: string) => ({ type: 'Action.OpenUrl', title, url });

const withLink = (actions: object[], link: LinkModel | undefined) => (link ? [...actions, openUrl(link.title, link.url)] : actions);

/** One TextBlock per paragraph: Teams collapses the blank lines inside a single TextBlock. */
const paragraphsOf = (body: string) =>
  body
    .split(/\n\s*\n/)
    .map((text) => ({ text: text.trim() }))
    .filter((p) => p.text);

const CHEVRON = { down: '▼', up: '▲' };

/**
 * A section of a customer's details. A long one folds in the client: its title row toggles the
 * lines and the chevron, with no round trip to the bot (the ids are unique per card: one section
 * of each key).
 */
function foldingSection(section: CustomerDetailsView['sections'][number]) {
  const ids = { body: `section-${section.key}`, down: `section-${section.key}-down`, up: `section-${section.key}-up` };
  const toggle = section.toggle
    ? { type: 'Action.ToggleVisibility', title: section.title, targetElements: [ids.body, ids.down, ids.up] }
    : null;
  return {
    title: section.title,
    lines: section.lines,
    open: section.open,
    ids,
    chevron: CHEVRON,
    toggle,
    actions: section.actions.map(toAdaptiveAction),
  };
}

function modelOf(view: View): Record<string, unknown> {
  const actions = 'actions' in view ? view.actions.map(toAdaptiveAction) : [];
  const requiredMessage = t(view.locale, 'ui.required');
  switch (view.kind) {
    case 'message':
      return { ...view, color: view.tone === 'error' ? 'Attention' : view.tone === 'success' ? 'Good' : 'Default' };
    case 'draft': {
      const [done, ...rest] = actions;
      return {
        ...view,
        requiredMessage,
        paragraphs: paragraphsOf(view.body),
        actions: [done, openUrl(view.openLabel, view.mailto), ...rest],
      };
    }
    case 'sent':
      return { ...view, paragraphs: paragraphsOf(view.body), actions: [openUrl(view.openLabel, view.mailto)] };
    case 'customerList':
      return {
        ...view,
        actions,
        searchAction: toAdaptiveAction(view.searchAction),
        rows: view.rows.map((row) => ({
          name: row.name,
          line: `${row.domain} · ${row.status} · ${row.counts}`,
          open: toAdaptiveAction(row.open),
        })),
      };
    case 'customerDetails':
      return {
        ...view,
        actions: withLink(actions, view.link),
        sections: view.sections.map(foldingSection),
      };
    case 'attestation':
      return { ...view, actions, requiredMessage: t(view.locale, 'removal.attestationRequired') };
    case 'list':
      return { ...view, note: view.note ?? null, rows: view.rows.map((row) => ({ ...row, actions: row.actions.map(toAdaptiveAction) })) };
    case 'outcome':
      return { ...view, actions: withLink(actions, view.link) };
    case 'providerPicker':
    case 'bulkForm':
      return { ...view, actions, requiredMessage };
    case 'accepted':
      // In words here; renderAdaptiveCard writes the mention once the card's text is escaped.
      return { ...view, invitedBy: namingText(view.invitedBy), actions };
    case 'digest':
      return { ...view, sections: view.sections.map((s) => ({ title: s.title, lines: s.lines, actions: [toAdaptiveAction(s.action)] })) };
    default:
      return { ...view, actions };
  }
}

export function renderAdaptiveCard(view: View): AdaptiveCard {
  const card = expand(view.kind, modelOf(view)) as AdaptiveCard;
  // View models carry plain text; the one place it becomes Teams markdown.
  escapeCardText(card);
  if (view.kind === 'accepted') placeNaming(card, 'invitedBy', view.invitedBy);
  return card;
}

/**
 * The text of a Universal Action answered with a message instead of a card (the views went out
 * as new messages): their fallback texts, which carry names from outside, escaped like card text.
 */
export function toInvokeMessageText(views: readonly View[]): string {
  return teamsText(views.map((v) => v.fallbackText).join('\n'));
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function toAttachment(view: View) {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderAdaptiveCard(view) };
}
