/**
 * The legal attestation an admin accepts before removing a reseller relationship, versioned:
 * the audit records which version was attested, so the text may change without rewriting history.
 * Statements follow Partner Center's "Remove a reseller relationship" page.
 */
import type { Locale } from '../../store/schema.js';

export const ATTESTATION_VERSION = '2026-11-01';

export interface AttestationText {
  version: string;
  locale: Locale;
  title: string;
  statements: string[];
  dapNotice: string;
  legalNotice: string;
  confirmLabel: string;
}

const texts: Record<Locale, Omit<AttestationText, 'version' | 'locale'>> = {
  en: {
    title: 'Attestation',
    statements: [
      'I am removing this reseller relationship in good faith and for a legitimate business purpose.',
      'The removal is in accordance with the terms of our agreement with this customer or partner.',
      'I agree to hold Microsoft harmless from any claim arising from this removal.',
    ],
    dapNotice:
      'Delegated admin privileges (DAP) stay as they are: removing the relationship does not remove them. Ask the customer to remove them in their admin center if they should end.',
    legalNotice:
      'Where your agreement with the customer requires it, give the customer legal notice of the removal. This tool does not generate or send that notice.',
    confirmLabel:
      'I attest, in good faith and for a legitimate business purpose, that this removal follows our agreement with the customer or partner, and I hold Microsoft harmless.',
  },
  it: {
    title: 'Attestazione',
    statements: [
      'Rimuovo questa relazione come rivenditore in buona fede e per un legittimo scopo aziendale.',
      "La rimozione è conforme ai termini dell'accordo con questo cliente o partner.",
      'Mi impegno a manlevare Microsoft da qualsiasi pretesa derivante da questa rimozione.',
    ],
    dapNotice:
      "I privilegi di amministratore delegato (DAP) restano invariati: la rimozione della relazione non li revoca. Se devono cessare, chiedi al cliente di rimuoverli dall'interfaccia di amministrazione di Microsoft 365.",
    legalNotice:
      "Se l'accordo con il cliente lo prevede, invia al cliente una comunicazione legale della rimozione. Questo strumento non la genera né la invia.",
    confirmLabel:
      "Attesto, in buona fede e per un legittimo scopo aziendale, che questa rimozione rispetta l'accordo con il cliente o partner e manlevo Microsoft da ogni pretesa.",
  },
};

export function attestationText(locale: Locale): AttestationText {
  return { version: ATTESTATION_VERSION, locale, ...texts[locale] };
}
