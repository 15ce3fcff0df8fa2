/** Removal views: the attestation and its outcome. */
import { t, type MessageKey } from '../i18n/catalogue.js';
import type { RemovalRecord } from '../bot/service/removals.js';
import { formatDate, outcomeView, type ActionModel, type Base, type OutcomeView, type Viewer } from './common.js';

export interface AttestationView extends Base {
  kind: 'attestation';
  removalId: string;
  intro: string;
  attestationTitle: string;
  statement: string;
  dapNotice: string;
  legalNotice: string;
  toggleLabel: string;
  version: string;
  error: string | null;
  actions: ActionModel[];
}

export function toAttestationView(viewer: Viewer, r: RemovalRecord, error?: MessageKey): AttestationView {
  const l = r.attestation.locale;
  const title = t(l, 'ui.attest.title', { company: r.companyName });
  return {
    kind: 'attestation',
    locale: l,
    title,
    fallbackText: title,
    removalId: r.removal.id,
    intro: t(l, 'ui.attest.intro', { company: r.companyName, domain: r.domain }),
    attestationTitle: r.attestation.title,
    statement: r.attestation.statement,
    dapNotice: r.attestation.dapNotice,
    legalNotice: r.attestation.legalNotice,
    toggleLabel: r.attestation.confirmLabel,
    version: t(l, 'ui.attest.version', { version: r.attestation.version }),
    error: error ? t(viewer.locale, error) : null,
    actions: [
      { verb: 'removal.confirm', title: t(l, 'ui.attest.confirm'), style: 'destructive', data: { removalId: r.removal.id } },
      { verb: 'removal.cancel', title: t(l, 'ui.attest.cancel'), data: { removalId: r.removal.id } },
    ],
  };
}

export function toRemovalOutcomeView(viewer: Viewer, r: RemovalRecord): OutcomeView {
  const l = viewer.locale;
  const confirmed = r.removal.status === 'confirmed';
  const title = confirmed ? t(l, 'ui.removed.title', { company: r.companyName }) : t(l, 'ui.cancelled.title');
  const by = confirmed
    ? t(l, 'ui.removed.by', {
        name: r.removal.attestedBy?.displayName ?? '',
        when: formatDate(viewer, r.removal.attestedAt ?? r.removal.requestedAt),
      })
    : t(l, 'ui.cancelled.by', {
        name: r.removal.cancelledBy?.displayName ?? '',
        when: formatDate(viewer, r.removal.cancelledAt ?? r.removal.requestedAt),
        company: r.companyName,
      });
  // With the Microsoft directory, what is left to do in Partner Center, and where.
  const followUp = confirmed ? r.followUp : undefined;
  const text = followUp ? `${by}\n\n${t(l, 'ui.removal.followUp')}` : by;
  return outcomeView(l, title, text, {
    ...(followUp ? { link: { title: t(l, 'ui.openPartnerCenter'), url: followUp.link } } : {}),
    facts: confirmed
      ? [
          ...(r.domain ? [{ title: t(l, 'ui.customer.domain'), value: r.domain }] : []),
          { title: t(l, 'ui.attest.versionTitle'), value: r.removal.attestationVersion },
        ]
      : [],
    actions: confirmed ? [{ verb: 'command', title: t(l, 'ui.removed.next'), style: 'positive', data: { command: 'invite' } }] : [],
  });
}
