/**
 * What a GDAP request asks for, in words: Entra's built-in roles by template id (the same in every tenant), named as Microsoft names them
 * in each language's admin centers: a customer's admin reads role names, never GUIDs.
 */
import type { Locale } from '../store/schema.js';

const ROLES: Record<string, { en: string; it: string }> = {
  '62e90394-69f5-4237-9190-012177145e10': { en: 'Global Administrator', it: 'Amministratore globale' },
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': { en: 'Directory Readers', it: 'Ruolo con autorizzazioni di lettura della directory' },
  '4d6ac14f-3453-41d0-bef9-a3e0c569773a': { en: 'License Administrator', it: 'Amministratore licenze' },
  'f023fd81-a637-4b56-95fd-791ac0226033': { en: 'Service Support Administrator', it: 'Amministratore supporto servizi' },
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': { en: 'Helpdesk Administrator', it: 'Amministratore supporto tecnico' },
  'fe930be7-5e62-47db-91af-98c3a49a38b1': { en: 'User Administrator', it: 'Amministratore utenti' },
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': { en: 'Global Reader', it: 'Ruolo con autorizzazioni di lettura globale' },
  '29232cdf-9323-42fd-ade2-1d097af3e4de': { en: 'Exchange Administrator', it: 'Amministratore di Exchange' },
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': { en: 'SharePoint Administrator', it: 'Amministratore di SharePoint' },
  '69091246-20e8-4a56-aa4d-066075b2a7a8': { en: 'Teams Administrator', it: 'Amministratore di Teams' },
  '3a2c62db-5318-420d-8d74-23affee5d9d5': { en: 'Intune Administrator', it: 'Amministratore di Intune' },
  '194ae4cb-b126-40b2-bd5b-6091b380977d': { en: 'Security Administrator', it: 'Amministratore della sicurezza' },
  '5d6b6bb7-de71-4623-b4af-96380a352509': { en: 'Security Reader', it: 'Ruolo con autorizzazioni di lettura per la sicurezza' },
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': { en: 'Billing Administrator', it: 'Amministratore fatturazione' },
  '4a5d8f65-41da-4de4-8968-e035b65339cf': { en: 'Reports Reader', it: 'Ruolo con autorizzazioni di lettura per i report' },
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': { en: 'Application Administrator', it: 'Amministratore applicazioni' },
  '158c047a-c907-4556-b7ef-446551a6b5f7': { en: 'Cloud Application Administrator', it: 'Amministratore applicazioni cloud' },
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': { en: 'Authentication Administrator', it: "Amministratore dell'autenticazione" },
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': { en: 'Conditional Access Administrator', it: 'Amministratore accesso condizionale' },
  'e8611ab8-c189-46e8-94e1-60213ab1f814': { en: 'Privileged Role Administrator', it: 'Amministratore ruolo con privilegi' },
};

/** The roles' names in `locale`, in the order given; a role we cannot name is counted, never shown as its id. */
export function entraRoleNames(locale: Locale, roleDefinitionIds: readonly string[]): { names: string[]; unnamed: number } {
  const names: string[] = [];
  let unnamed = 0;
  for (const id of roleDefinitionIds) {
    const role = ROLES[id.toLowerCase()];
    if (role) names.push(role[locale]);
    else unnamed += 1;
  }
  return { names, unnamed };
}

const lists: Partial<Record<Locale, Intl.ListFormat>> = {};
const others: Record<Locale, (n: number) => string> = {
  en: (n) => (n === 1 ? '1 other role' : `${n} other roles`),
  it: (n) => (n === 1 ? 'un altro ruolo' : `altri ${n} ruoli`),
};

/** "Directory Readers, License Administrator and Service Support Administrator", in `locale`. */
export function formatEntraRoles(locale: Locale, roleDefinitionIds: readonly string[]): string {
  const { names, unnamed } = entraRoleNames(locale, roleDefinitionIds);
  const list = (lists[locale] ??= new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }));
  return list.format(unnamed ? [...names, others[locale](unnamed)] : names);
}

/** A GDAP relationship's length in words: whole years as years ("2 years"), days otherwise. */
export function formatGdapDuration(locale: Locale, days: number): string {
  if (days % 365 === 0) {
    const years = days / 365;
    return locale === 'it' ? (years === 1 ? '1 anno' : `${years} anni`) : years === 1 ? '1 year' : `${years} years`;
  }
  return locale === 'it' ? (days === 1 ? '1 giorno' : `${days} giorni`) : days === 1 ? '1 day' : `${days} days`;
}
