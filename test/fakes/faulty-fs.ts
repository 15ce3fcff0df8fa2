/**
 * A disk that fails on request: node:fs underneath, with writes, fsyncs or renames on chosen
 * files answering ENOSPC or EIO, as a full or broken disk does. It stands in for the operating
 * system only; the store's own code runs unchanged (it is passed in the store's `fs` option).
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { nodeFs, type StoreFs } from '../../store/durable-file.js';

export type FaultOp = 'write' | 'sync' | 'rename';

interface Fault {
  op: FaultOp;
  /** Matched against the file's name (for a rename, the target's). */
  match: (name: string) => boolean;
  code: 'ENOSPC' | 'EIO';
  /** Matching operations still allowed through before the failures start. */
  after: number;
}

function errnoError(code: Fault['code'], syscall: string, path: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), { code, syscall, path });
}

export function createFaultyFs() {
  const faults: Fault[] = [];
  /** Every operation that failed, in order, so a test can see the fault was really hit. */
  const hits: Array<{ op: FaultOp; file: string }> = [];
  const check = (op: FaultOp, path: string, syscall: string) => {
    const fault = faults.find((f) => f.op === op && f.match(basename(path)));
    if (!fault) return;
    if (fault.after > 0) {
      fault.after--;
      return;
    }
    hits.push({ op, file: basename(path) });
    throw errnoError(fault.code, syscall, path);
  };

  const wrap = (handle: fs.FileHandle, path: string): fs.FileHandle =>
    new Proxy(handle, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        const op: FaultOp | null = prop === 'write' || prop === 'writeFile' ? 'write' : prop === 'sync' || prop === 'datasync' ? 'sync' : null;
        return (...args: unknown[]) => {
          if (op) {
            try {
              check(op, path, String(prop));
            } catch (error) {
              return Promise.reject(error);
            }
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });

  const io: StoreFs = {
    open: async (path, flags, mode) => wrap(await nodeFs.open(path, flags, mode), path),
    rename: async (from, to) => {
      check('rename', to, 'rename');
      await nodeFs.rename(from, to);
    },
  };

  return {
    io,
    hits,
    /** From now on (after `after` more successes), `op` on files whose name passes `match` fails with `code`. */
    fail(op: FaultOp, match: (name: string) => boolean, code: Fault['code'] = 'ENOSPC', after = 0) {
      faults.push({ op, match, code, after });
    },
    /** The disk works again (space was freed, the disk replaced). */
    heal() {
      faults.length = 0;
    },
  };
}

export const isJournal = (name: string) => name.endsWith('.json.journal');
export const isSnapshot = (name: string) => name === 'db.json';
