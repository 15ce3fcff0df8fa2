/**
 * Crash-test worker: opens the store at argv[2], prints "ready", and writes bursts of records
 * forever, printing "ack <id> <name>" for each write once `transact` resolved (that is, once it is
 * on disk), so the parent can compare the record's content after the crash, not only its
 * presence, and can tell when acknowledgements stop. The parent kills it with SIGKILL. A small
 * compaction threshold makes snapshot rewrites (and kills in the middle of them) frequent. Burst
 * sizes and payloads come from argv[4], the round's seed, so a round can be replayed.
 */
import { openJournalStore } from '../../store/journal-store.js';
import { seeded } from '../seeded.js';

const file = process.argv[2]!;
const round = process.argv[3] ?? '0';
const random = seeded(Number(process.argv[4] ?? 0));
const hex = (bytes: number) =>
  Array.from({ length: bytes }, () =>
    Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');
// A tiny audit window, so audit events are moved to the archive file at most compactions too.
const store = await openJournalStore({ file, compactBytes: 16 * 1024, archive: { audit: 30 } });
process.stdout.write('ready\n');
let n = 0;
for (;;) {
  const burst = Array.from({ length: 1 + Math.floor(random() * 20) }, () => {
    const id = `r${round}-${n++}`;
    const name = `Provider ${id} ${hex(Math.floor(random() * 200))}`;
    return store
      .transact((tx) => {
        tx.put('providers', { id, name, tenantId: null, createdAt: new Date().toISOString() });
        tx.put('audit', {
          id: `a-${id}`,
          at: new Date().toISOString(),
          actor: { platform: 'cli', userId: 'crash', displayName: 'Crash' },
          action: 'provider.added',
          target: id,
          details: {},
        });
      })
      .then(() => process.stdout.write(`ack ${id} ${store.get('providers', id)!.name}\n`));
  });
  await Promise.all(burst);
}
