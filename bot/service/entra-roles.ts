/** Entra role ids the rules name, whichever directory is plugged in. */

/** Entra's Global Administrator role (template id, the same in every tenant). */
export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

/** Whether a GDAP relationship's roles include Global Administrator (Microsoft then refuses auto-extend). */
export const includesGlobalAdministrator = (roleDefinitionIds: readonly string[]): boolean =>
  roleDefinitionIds.some((id) => id.toLowerCase() === GLOBAL_ADMINISTRATOR);
