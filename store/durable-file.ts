/** File primitives that survive a crash at any instant: fsynced temp file + rename (the lock: data-file-lock.ts). */
import { constants, promises as fs } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * The file operations the store's writes go through. Production uses node:fs; tests pass one
 * whose handles fail like a full or broken disk (ENOSPC, EIO), to prove what a failed write does.
 */
export interface StoreFs {
  open(path: string, flags: string | number, mode?: number): Promise<fs.FileHandle>;
  rename(from: string, to: string): Promise<void>;
}

export const nodeFs: StoreFs = { open: (path, flags, mode) => fs.open(path, flags, mode), rename: (from, to) => fs.rename(from, to) };

/**
 * Replaces `file` atomically and durably: `fill` writes a temp file beside it, which is fsynced,
 * renamed over `file`, and the folder fsynced. Readers see the old file or the new one, whole.
 */
async function replaceFile(file: string, fill: (handle: fs.FileHandle) => Promise<void>, io: StoreFs = nodeFs): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const handle = await io.open(tmp, 'w', 0o600);
  try {
    await fill(handle);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await io.rename(tmp, file);
  await syncDirectory(dirname(file), io);
}

/** Writes `text` to `file` atomically and durably. */
export function writeFileAtomic(file: string, text: string): Promise<void> {
  return replaceFile(file, (handle) => handle.writeFile(text, 'utf8'));
}

/** Told where each record of one collection was written (customer-details.ts reads them back from there). */
export interface RecordPlaces {
  collection: string;
  found(record: { id: string }, start: number, end: number): void;
}

/**
 * Writes a JSON object whose big members are arrays of records, in slices, so the event loop is
 * never blocked for long: `head` holds the small members, `arrays` the big ones (records are
 * immutable, so the slices see one consistent state). Atomic and durable like `writeFileAtomic`.
 */
export function writeJsonInSlices(
  file: string,
  head: Record<string, unknown>,
  arrays: Array<[string, readonly unknown[]]>,
  sliceSize = 500,
  io: StoreFs = nodeFs,
  places?: RecordPlaces,
): Promise<void> {
  return replaceFile(file, async (handle) => {
    let offset = 0;
    const write = async (text: string) => {
      await handle.write(text);
      if (places) offset += Buffer.byteLength(text);
    };
    const opening = JSON.stringify(head);
    await write(opening.slice(0, -1));
    let first = opening === '{}';
    for (const [name, records] of arrays) {
      await write(`${first ? '' : ','}${JSON.stringify(name)}:[`);
      first = false;
      const tracked = places?.collection === name;
      for (let i = 0; i < records.length; i += sliceSize) {
        const texts = records.slice(i, i + sliceSize).map((r) => JSON.stringify(r));
        if (tracked) {
          let at = offset + (i === 0 ? 0 : 1);
          texts.forEach((text, j) => {
            const length = Buffer.byteLength(text);
            places.found(records[i + j] as { id: string }, at, at + length);
            at += length + 1;
          });
        }
        const part = texts.join(',');
        await write(i === 0 ? part : `,${part}`);
      }
      await write(']');
    }
    await write('}');
  }, io);
}

/** Appends records as JSON lines and makes them durable (the file and, if new, its folder entry). */
export async function appendJsonLines(file: string, records: readonly unknown[], sliceSize = 500, io: StoreFs = nodeFs): Promise<void> {
  const handle = await io.open(file, 'a+', 0o600);
  try {
    const size = (await handle.stat()).size;
    const created = size === 0;
    // A crash in the middle of an earlier append leaves a partial last line; those records are still
    // in the snapshot, so the line is cut off rather than continued.
    const whole = await endOfLastLine(handle, size);
    if (whole < size) await handle.truncate(whole);
    for (let i = 0; i < records.length; i += sliceSize) {
      await handle.write(records.slice(i, i + sliceSize).map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
    await handle.sync();
    if (created) await syncDirectory(dirname(file), io);
  } finally {
    await handle.close();
  }
}

/** The length of `handle`'s content up to and including its last newline. */
async function endOfLastLine(handle: fs.FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/** Makes a rename or a new file in `dir` durable. */
export async function syncDirectory(dir: string, io: StoreFs = nodeFs): Promise<void> {
  const handle = await io.open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * lowdb adapter for the snapshot: like lowdb's JSONFile (temp file + rename), plus fsync of the
 * file and its folder, and no silent default for a file that exists but does not parse.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(data));
  }
}
