/**
 * What the replicas share besides the records (see store/cluster.ts): once-only keys in the
 * `claims` table, holds on records (claims.ts), and the `secrets` table.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Cluster } from '../cluster.js';
import type { RecordHolds } from './claims.js';

/** Claims held in the name of `replicaId`; holds taken on `holds`' connection. */
export function pgCluster(pool: pg.Pool, replicaId: string, holds: RecordHolds): Cluster {
  return {
    claim: async (key, ttlMs) => {
      const { rowCount } = await pool.query(
        `INSERT INTO claims (key, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at WHERE claims.expires_at <= now()`,
        [key, replicaId, Math.max(1, Math.round(ttlMs))],
      );
      return rowCount === 1;
    },
    release: async (key) => {
      await pool.query('DELETE FROM claims WHERE key = $1 AND holder = $2', [key, replicaId]);
    },
    hold: (collection, id) => holds.hold(collection, id),
    secret: async (name) => {
      await pool.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32)]);
      const { rows } = await pool.query<{ value: Buffer }>('SELECT value FROM secrets WHERE name = $1', [name]);
      return rows[0]!.value;
    },
  };
}
