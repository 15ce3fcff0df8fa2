/** The store as the doctor sees it from outside (store/inspect.ts), and as a running bot sees its own. */
import type { StoreInspection } from '../../store/inspect.js';
import { check, type Check } from '../service/check.js';

const AREA = 'doctor.area.store';

export function storeCheck(found: StoreInspection): Check {
  const version = found.schemaVersion ?? '?';
  if (found.state === 'refused') return check(AREA, 'fail', 'doctor.store.refused', { where: found.where, problem: found.problem ?? '?' });
  if (found.state === 'older') return check(AREA, 'ok', 'doctor.store.older', { where: found.where, version });
  if (found.kind === 'file') {
    return found.state === 'fresh'
      ? check(AREA, 'ok', 'doctor.store.fileFresh', { where: found.where })
      : check(AREA, 'ok', 'doctor.store.file', { where: found.where, version });
  }
  if (found.state === 'fresh') return check(AREA, 'ok', 'doctor.store.databaseFresh', { where: found.where });
  return check(AREA, 'ok', 'doctor.store.database', {
    where: found.where,
    applied: found.migrations?.applied ?? '?',
    latest: found.migrations?.latest ?? '?',
    version,
  });
}

/** In `status`: the open store's own health, as /healthz reports it. */
export function runningStoreCheck(store: { healthy: boolean; degraded?: string | null }): Check {
  if (!store.healthy) return check(AREA, 'fail', 'doctor.store.unhealthy');
  if (store.degraded) return check(AREA, 'warn', 'doctor.store.degraded', { reason: store.degraded });
  return check(AREA, 'ok', 'doctor.store.healthy');
}
