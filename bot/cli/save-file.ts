/** Where the terminal chat puts a file the bot sends (an export): the folder it was started in, never over an existing file. */
import { writeFileSync } from 'node:fs';
import { join, parse } from 'node:path';

/**
 * Writes `file` into `folder` under its own name, or `name-2.csv`, `name-3.csv`… when that is taken;
 * readable by its owner only (an export names customers and people). Returns the path written.
 */
export function saveInFolder(folder: string, file: { filename: string; bytes: Uint8Array }): string {
  const { name, ext } = parse(file.filename);
  for (let n = 1; ; n++) {
    const path = join(folder, n === 1 ? file.filename : `${name}-${n}${ext}`);
    try {
      writeFileSync(path, file.bytes, { flag: 'wx', mode: 0o600 });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
