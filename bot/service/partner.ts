/** Records who we are (the partner) from configuration, keeping a generated id stable. */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.js';

export async function ensurePartner(store: Store, config: { name: string | null; id: string | null }): Promise<void> {
  const current = store.partner();
  const name = config.name ?? current?.name ?? 'Your CSP partner';
  const tenantId = config.id ?? current?.tenantId ?? randomUUID();
  if (current && current.name === name && current.tenantId === tenantId) return;
  await store.transact((tx) => tx.setPartner({ id: current?.id ?? randomUUID(), name, tenantId }));
}
