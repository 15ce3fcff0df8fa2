/**
 * Crash-test worker: opens the store at argv[2] and writes bursts of records forever, printing
 * "ack <id> <name>" for each write once `transact` resolved (that is, once it is on disk), so the
 * parent can compare the record's content after the crash, not only its presence. The parent
 * kills it with SIGKILL at a random moment. A small compaction threshold makes snapshot rewrites
 * (and kills in the middle of them) frequent.
 */
import { randomBytes } from 'node:crypto';
import { openJournalStore } from '../../store/journal-store.js';

const file = process.argv[2]!;
const round = process.argv[3] ?? '0';
// A tiny audit window, so audit events are moved to the archive file at most compactions too.
const store = await openJournalStore({ file, compactBytes: 16 * 1024, archive: { audit: 30 } });
let n = 0;
for (;;) {
  const burst = Array.from({ length: 1 + Math.floor(Math.random() * 20) }, () => {
    const id = `r${round}-${n++}`;
    return store
      .transact((tx) => {
        tx.put('providers', { id, name: `Provider ${id} ${randomBytes(Math.floor(Math.random() * 200)).toString('hex')}`, tenantId: null, createdAt: new Date().toISOString() });
        tx.put('audit', { id: `a-${id}`, at: new Date().toISOString(), actor: { platform: 'cli', userId: 'crash', displayName: 'Crash' }, action: 'provider.added', target: id, details: {} });
      })
      .then(() => process.stdout.write(`ack ${id} ${store.get('providers', id)!.name}\n`));
  });
  await Promise.all(burst);
}
