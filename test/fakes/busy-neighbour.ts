/**
 * A CPU-heavy neighbour for the failover test: it hashes without pause until it is killed, so the
 * replicas and the database share the processor as on a busy machine.
 */
import { createHash } from 'node:crypto';

let digest = Buffer.alloc(32);
for (;;) digest = createHash('sha256').update(digest).digest();
