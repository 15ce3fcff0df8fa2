/**
 * The append-only journal beside the snapshot: one JSON line per committed batch of writes.
 * Appending a few hundred bytes and one fsync per batch is what keeps a mutation's cost
 * independent of the size of the data; the snapshot is rewritten only at compaction.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { nodeFs, syncDirectory, type StoreFs } from './durable-file.js';
import type { CollectionName } from './schema.js';

export type JournalOp =
  | { op: 'put'; c: CollectionName; r: { id: string } & Record<string, unknown> }
  | { op: 'del'; c: CollectionName; id: string }
  | { op: 'partner'; r: Record<string, unknown> };

export interface JournalEntry {
  seq: number;
  ops: JournalOp[];
}

/**
 * Reads the journal. A torn last line (a crash in the middle of an append) is dropped, as its
 * batch was never acknowledged; an unreadable line anywhere else means the file is damaged.
 */
export async function readJournal(file: string): Promise<{ entries: JournalEntry[]; validBytes: number }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], validBytes: 0 };
    throw error;
  }
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text === '';
  const entries: JournalEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // An empty line, or a last line without its newline (torn, never acknowledged), is skipped.
    if (line === '' || (i === lines.length - 1 && !complete)) continue;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (typeof entry.seq !== 'number' || !Array.isArray(entry.ops)) throw new Error('not an entry');
      entries.push(entry);
    } catch {
      throw new Error(`journal ${file} is damaged at line ${i + 1}`);
    }
  }
  // Everything up to the last newline is whole; a torn tail is cut off before appending again.
  return { entries, validBytes: Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)) };
}

/** Appends batches with one write and one fsync each. */
export class JournalWriter {
  private constructor(
    private readonly file: string,
    private handle: fs.FileHandle,
    private size: number,
    private readonly io: StoreFs,
  ) {}

  /** Opens for appending; `validBytes` cuts a torn tail off first. */
  static async open(file: string, validBytes?: number, io: StoreFs = nodeFs): Promise<JournalWriter> {
    const handle = await io.open(file, 'a', 0o600);
    let { size } = await handle.stat();
    if (validBytes !== undefined && validBytes < size) {
      await handle.truncate(validBytes);
      await handle.datasync();
      size = validBytes;
    }
    return new JournalWriter(file, handle, size, io);
  }

  /**
   * Moves the journal aside to `to` and continues in a fresh file: what was appended so far is
   * covered by the snapshot being written, what comes next is not. Callers serialise it with appends.
   */
  async rotate(to: string): Promise<void> {
    await this.io.rename(this.file, to);
    const fresh = await this.io.open(this.file, 'a', 0o600);
    await syncDirectory(dirname(this.file), this.io);
    const old = this.handle;
    this.handle = fresh;
    this.size = 0;
    await old.close();
  }

  get bytes(): number {
    return this.size;
  }

  async append(entries: JournalEntry[]): Promise<void> {
    const text = entries.map((e) => JSON.stringify(e) + '\n').join('');
    try {
      await this.handle.write(text);
      await this.handle.datasync();
    } catch (error) {
      // The batch is refused to its callers, so it must not come back at the next start: a write
      // that reached the file before its fsync failed (EIO) is cut off again, if the disk lets us.
      await this.handle.truncate(this.size).catch(() => {});
      throw error;
    }
    this.size += Buffer.byteLength(text);
  }

  async truncate(): Promise<void> {
    await this.handle.truncate(0);
    await this.handle.datasync();
    this.size = 0;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
