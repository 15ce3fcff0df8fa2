/**
 * What this deployment can do, whoever asks: some commands exist only with the Microsoft
 * directory, and roles are granted in the bot only with the embedded one. Help, the welcome and
 * the App Home offer a command only where the deployment can carry it out.
 */
import type { Directory } from './directory.js';

export const CAPABILITIES = {
  /** `status`, `refresh customers`, `end admin access`, connecting and disconnecting Partner Center. */
  microsoft: (directory: Pick<Directory, 'kind'>) => directory.kind === 'microsoft',
  /** `grant` and `revoke role`: with the Microsoft directory roles come from the partner tenant's groups. */
  grantRoles: (directory: Pick<Directory, 'kind'>) => directory.kind === 'embedded',
  /**
   * Partner Center's API is connected and lists customers: the facts only it knows (who has a
   * reseller relationship, a customer's indirect providers) can be read rather than guessed.
   */
  partnerCenterApi: (directory: Pick<Directory, 'kind' | 'partnerCenter'>) =>
    directory.kind === 'microsoft' && Boolean(directory.partnerCenter?.clientFor('customers')),
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** Every capability the deployment has, in the table's order. */
export function capabilitiesOf(directory: Pick<Directory, 'kind' | 'partnerCenter'>): Capability[] {
  return (Object.keys(CAPABILITIES) as Capability[]).filter((c) => CAPABILITIES[c](directory));
}
