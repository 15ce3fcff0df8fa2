/**
 * The legal attestation an admin accepts before removing a reseller relationship, versioned:
 * the audit records which version was attested, so the text may change without rewriting history.
 * The statement is Partner Center's own representation ("Remove a reseller relationship"), in the first
 * person, with its meaning unchanged; the notes after it are the seed page's DAP and legal-notice notes.
 */
import type { Locale } from '../../store/schema.js';

export const ATTESTATION_VERSION = '2026-12-07';

export interface AttestationText {
  version: string;
  locale: Locale;
  title: string;
  /** Partner Center's representation, whole, in the first person: its meaning is not ours to change. */
  statement: string;
  dapNotice: string;
  legalNotice: string;
  /** The control's label: it confirms "the statement above", never a second, shorter wording of it. */
  confirmLabel: string;
}

const texts: Record<Locale, Omit<AttestationText, 'version' | 'locale'>> = {
  en: {
    title: 'Attestation',
    statement:
      'I represent that this removal is made in good faith, for a legitimate business purpose, and in accordance with our agreement with our customer or partner, and I agree to defend and hold Microsoft harmless from and against any third-party claims to the contrary.',
    dapNotice:
      'Delegated admin privileges (DAP) stay as they are: removing the relationship does not remove them. Ask the customer to remove them in their admin center if they should end.',
    legalNotice:
      'Where your agreement with the customer requires it, give the customer legal notice of the removal. This tool does not generate or send that notice.',
    confirmLabel: 'I confirm the statement above',
  },
  it: {
    title: 'Attestazione',
    statement:
      "Dichiaro che questa rimozione è effettuata in buona fede, per uno scopo aziendale legittimo e in conformità con il nostro accordo con il cliente o partner, e accetto di difendere e sollevare Microsoft da qualsiasi responsabilità in caso di reclami da parte di terzi in senso contrario.",
    dapNotice:
      "I privilegi di amministratore delegato (DAP) restano invariati: la rimozione della relazione non li revoca. Se devono cessare, chiedi al cliente di rimuoverli dall'interfaccia di amministrazione di Microsoft 365.",
    legalNotice:
      "Se l'accordo con il cliente lo prevede, invia al cliente una comunicazione legale della rimozione. Questo strumento non la genera né la invia.",
    confirmLabel: 'Confermo la dichiarazione qui sopra',
  },
};

export function attestationText(locale: Locale): AttestationText {
  return { version: ATTESTATION_VERSION, locale, ...texts[locale] };
}
