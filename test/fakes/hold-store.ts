/**
 * Another process for the lock tests: opens the journal store on the file given, acknowledges one
 * write, prints "ready", and holds the store (and its lock) until it is killed.
 */
import { openJournalStore } from '../../store/journal-store.js';

const store = await openJournalStore({ file: process.argv[2]! });
await store.transact((tx) => tx.put('providers', { id: 'held', name: 'Written before the kill', tenantId: null, createdAt: '2026-11-23T10:00:00.000Z' }));
console.log(`ready ${process.pid}`);
setInterval(() => {}, 60_000);
