/** A CSV file named in the terminal (`invite customers ./customers.csv`), read within the size cap a chat's file has. */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { BATCH_FILE_MAX_BYTES } from '../service/bulk-invitations.js';

/** The file's name and bytes (`bytes` null when it is over the cap, never read past it); null when it cannot be opened. */
export async function readCappedFile(path: string): Promise<{ name: string; bytes: Uint8Array | null } | null> {
  const name = basename(path);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(BATCH_FILE_MAX_BYTES + 1);
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, null);
      if (bytesRead === 0) break;
      read += bytesRead;
      if (read > BATCH_FILE_MAX_BYTES) return { name, bytes: null };
    }
    return { name, bytes: buffer.subarray(0, read) };
  } finally {
    await handle.close();
  }
}
