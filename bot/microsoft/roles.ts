/** Entra role ids the Microsoft directory names. */

/** Entra's Global Administrator role (template id, the same in every tenant); the rules name it too. */
export { GLOBAL_ADMINISTRATOR } from '../service/entra-roles.js';

/**
 * The GDAP roles requested by default: least privilege for a reseller's daily work, never Global
 * Administrator. Directory Readers, License Administrator, Service Support Administrator.
 */
export const DEFAULT_GDAP_ROLES = [
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  'f023fd81-a637-4b56-95fd-791ac0226033',
];
