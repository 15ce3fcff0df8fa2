/** A terminal conversation: typed commands and numbered choices, on the shared conversation logic. */
import type { Conversation, Turn } from '../conversation/handler.js';
import { toMessageView, type DraftView, type View } from '../../views/index.js';
import { renderText, plain, type Choice, type Style } from '../../render/text/render-text.js';
import { t } from '../../i18n/catalogue.js';
import { saveInFolder } from './save-file.js';
import { bulkCommand } from '../commands/parse.js';
import { readCappedFile } from './bulk-file.js';

type Prompt = { ask: string; multiline: boolean; collected: string[]; then: (answer: string) => Promise<void> };

const words = {
  en: {
    editSubject: 'Edit subject',
    editCompany: "Edit the customer's company",
    editEmail: "Edit the customer's email",
    askCompany: "Customer's company (empty for none):",
    askEmail: "Customer's email (empty for none):",
    editBody: 'Edit email text',
    acquisition: 'Change how the customer came to you',
    askSubject: 'New subject:',
    askBody: 'Type the new email text; finish with a line holding only a dot (.)',
    askAcquisition: 'Pick a number:',
    askSearch: 'Search for:',
    askAttest: 'Type "yes" to confirm the statement above:',
    attestRequired: 'Type "yes" to confirm the statement above, or pick Cancel.',
    yes: ['yes', 'y'],
    askLines: 'Type or paste the lines, one customer a line; finish with a line holding only a dot (.)',
    pickRange: (max: number) => (max === 1 ? 'Pick 1, or type a command.' : `Pick a number from 1 to ${max}, or type a command.`),
  },
  it: {
    editSubject: 'Modifica oggetto',
    editCompany: "Modifica l'azienda del cliente",
    editEmail: "Modifica l'email del cliente",
    askCompany: 'Azienda del cliente (vuoto per nessuna):',
    askEmail: 'Email del cliente (vuoto per nessuna):',
    editBody: "Modifica il testo dell'email",
    acquisition: "Cambia l'origine del cliente",
    askSubject: 'Nuovo oggetto:',
    askBody: "Scrivi il nuovo testo dell'email; termina con una riga che contiene solo un punto (.)",
    askAcquisition: 'Scegli un numero:',
    askSearch: 'Cerca:',
    askAttest: 'Scrivi "sì" per confermare la dichiarazione qui sopra:',
    attestRequired: 'Scrivi "sì" per confermare la dichiarazione qui sopra, oppure scegli Annulla.',
    yes: ['sì', 'si', 's', 'yes', 'y'],
    askLines: 'Scrivi o incolla le righe, un cliente per riga; termina con una riga che contiene solo un punto (.)',
    pickRange: (max: number) => (max === 1 ? 'Scegli 1, o scrivi un comando.' : `Scegli un numero da 1 a ${max}, o scrivi un comando.`),
  },
};

/**
 * `saveFile` keeps a file the bot sends (an export) and returns where; by default in the folder the
 * chat was started in.
 */
export function createChatSession(options: {
  conversation: Conversation;
  turn: Turn;
  out: (line: string) => void;
  style?: Style;
  saveFile?: (file: { filename: string; bytes: Uint8Array }) => string;
}) {
  const { conversation, turn, out } = options;
  const saveFile = options.saveFile ?? ((file) => saveInFolder(process.cwd(), file));
  const style = options.style ?? plain;
  // The session's own words follow the language the bot last answered in (see conversation/language.ts).
  let w = words[turn.actor.locale];
  let choices: Choice[] = [];
  let draft: DraftView | null = null;
  let prompt: Prompt | null = null;

  const show = (views: View[]) => {
    choices = [];
    if (views[0]) w = words[views[0].locale];
    for (const shown of views) {
      // Nothing can be ticked in a terminal: the attestation is confirmed by typing, and says so.
      const view = shown.kind === 'attestation' && shown.error ? { ...shown, error: w.attestRequired } : shown;
      const rendered = renderText(view, style);
      const offset = choices.length;
      for (const line of rendered.lines) out(line.replace(/\[(\d+)\]/, (_, n: string) => `[${Number(n) + offset}]`));
      if (view.kind === 'outcome' && view.file) out(t(view.locale, 'ui.export.saved', { path: saveFile(view.file) }));
      choices.push(...rendered.choices);
      draft = view.kind === 'draft' ? view : draft && view.kind === 'message' ? draft : null;
    }
    if (draft && views.some((v) => v.kind === 'draft')) {
      const edits = [
        [w.editSubject, 'local.subject'],
        [w.editBody, 'local.body'],
        [w.editCompany, 'local.company'],
        [w.editEmail, 'local.email'],
        [w.acquisition, 'local.acquisition'],
      ] as const;
      for (const [label, verb] of edits) {
        choices.push({ label, action: { verb, title: label } });
        out(style.dim(`  [${choices.length}] ${label}`));
      }
    }
    out('');
  };

  const ask = (text: string, multiline: boolean, then: (answer: string) => Promise<void>) => {
    out(text);
    prompt = { ask: text, multiline, collected: [], then };
  };

  async function act(choice: Choice): Promise<void> {
    const { verb, data = {} } = choice.action;
    const current = draft;
    if (verb === 'local.subject' && current) return ask(w.askSubject, false, async (s) => show([{ ...current, subject: s }]));
    if (verb === 'local.body' && current) return ask(w.askBody, true, async (b) => show([{ ...current, body: b, bodyError: null }]));
    if (verb === 'local.company' && current) return ask(w.askCompany, false, async (c) => show([{ ...current, companyName: c.trim(), inviteeError: null }]));
    if (verb === 'local.email' && current) return ask(w.askEmail, false, async (e) => show([{ ...current, customerEmail: e.trim(), inviteeError: null }]));
    if (verb === 'local.acquisition' && current) {
      current.acquisitionChoices.forEach((c, i) => out(`  ${i + 1}. ${c.title}`));
      const pick = (): void =>
        ask(w.askAcquisition, false, async (n) => {
          const chosen = /^\d+$/.test(n.trim()) ? current.acquisitionChoices[Number(n) - 1] : undefined;
          // A number out of range is asked again, with the range, rather than silently ignored.
          if (!chosen) return (out(w.pickRange(current.acquisitionChoices.length)), pick());
          show([{ ...current, acquisition: chosen.value }]);
        });
      return pick();
    }
    if (verb === 'invitation.done' && current) {
      return run(verb, {
        ...data,
        subject: current.subject,
        body: current.body,
        acquisition: current.acquisition,
        companyName: current.companyName,
        customerEmail: current.customerEmail,
      });
    }
    if (verb === 'customers.search') return ask(w.askSearch, false, (q) => run(verb, { ...data, query: q }));
    if (verb === 'removal.confirm') {
      return ask(w.askAttest, false, (a) => run(verb, { ...data, attest: w.yes.includes(a.trim().toLowerCase()) }));
    }
    return run(verb, data);
  }

  async function run(verb: string, data: Record<string, unknown>): Promise<void> {
    const result = await conversation.handleAction(turn, verb, data);
    show(result.views);
  }

  return {
    /** The first message: who the bot is, the person's role, the main choices. */
    async welcome(): Promise<void> {
      show([await conversation.welcome(turn)]);
    },
    /** Something that happened meanwhile (a bulk invitation finished): shown as a card is. */
    notice(views: View[]): void {
      show(views);
    },
    get prompt(): string {
      return prompt ? '' : '> ';
    },
    /** Handles one line typed by the user. */
    async input(line: string): Promise<void> {
      if (prompt) {
        const p = prompt;
        if (p.multiline && line !== '.') {
          p.collected.push(line);
          return;
        }
        prompt = null;
        await p.then(p.multiline ? p.collected.join('\n') : line);
        return;
      }
      const trimmed = line.trim();
      if (!trimmed) return;
      const bulk = bulkCommand(trimmed);
      if (bulk && /^\S+\.(csv|txt)$/i.test(bulk.lines.trim())) {
        // A file's path after `invite customers`: read within the size cap, as a file sent in a chat is.
        const file = await readCappedFile(bulk.lines.trim());
        show(
          file
            ? await conversation.handleBulkFile(turn, file, bulk.language)
            : [toMessageView({ locale: bulk.language }, 'error', 'bulk.fileNotFound', { path: bulk.lines.trim() })],
        );
        return;
      }
      if (bulk && !bulk.lines.trim()) {
        const views = await conversation.handleText(turn, trimmed);
        show(views);
        if (views.some((v) => v.kind === 'bulkForm')) ask(w.askLines, true, (lines) => run('bulk.start', { lines }));
        return;
      }
      if (/^\d+$/.test(trimmed) && choices.length > 0) {
        const picked = choices[Number(trimmed) - 1];
        if (picked) return act(picked);
        out(w.pickRange(choices.length));
        return;
      }
      show(await conversation.handleText(turn, trimmed));
    },
  };
}
