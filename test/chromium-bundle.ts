/**
 * Everything the npm-shipped Chromium (`@sparticuz/chromium`) needs, from its own package.
 *
 * The package's binary links NSS, NSPR and expat dynamically. It carries those libraries itself
 * (`bin/al2023.tar.br`) but unpacks them only on Amazon Linux, where the machine lacks them;
 * anywhere else Chromium would load the machine's own copies, and a slim image has none. So the
 * bundle is always unpacked, into the folder the package itself uses (`<tmp>/al2023/lib`), and
 * the browser process gets it on `LD_LIBRARY_PATH`. Its fonts (`<tmp>/fonts`, unpacked by the
 * package) stand in for the machine's fontconfig setup the same way.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import sparticuz from '@sparticuz/chromium';

/** The package's `bin/` folder with its brotli files (the package resolves it the same way). */
export const bundleFolder = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..', 'bin');
/** Where the shared-library bundle lands: the folder the package uses on Amazon Linux. */
export const libraryFolder = join(tmpdir(), 'al2023', 'lib');

/** The files of a (ustar) tar archive, by path; folders are implied by the paths. */
export function tarEntries(archive: Buffer): Map<string, { mode: number; data: Buffer }> {
  const entries = new Map<string, { mode: number; data: Buffer }>();
  const field = (block: Buffer, start: number, length: number) => block.toString('latin1', start, start + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = [field(header, 345, 155), field(header, 0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1) || '0';
    offset += 512;
    if (type === '0')
      entries.set(name, { mode: parseInt(field(header, 100, 8).trim(), 8) & 0o777, data: archive.subarray(offset, offset + size) });
    else if (type !== '5') throw new Error(`${name}: tar entry of type "${type}" is not supported`);
    offset += Math.ceil(size / 512) * 512;
  }
  return entries;
}

/** The files of one of the package's `.tar.br` bundles. */
export function bundleEntries(name: string): Map<string, { mode: number; data: Buffer }> {
  return tarEntries(brotliDecompressSync(readFileSync(join(bundleFolder, name))));
}

/** Unpacks the shared-library bundle unless it is there; a half-written folder is never visible. */
function unpackLibraries(): void {
  const target = dirname(libraryFolder);
  if (existsSync(libraryFolder)) return;
  const staging = mkdtempSync(join(tmpdir(), 'al2023-'));
  chmodSync(staging, 0o755);
  for (const [path, entry] of bundleEntries('al2023.tar.br')) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), entry.data, { mode: entry.mode });
  }
  try {
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another run unpacking at the same moment got there first.
    if (!existsSync(libraryFolder)) throw error;
  }
}

/** The libraries `file` needs that the dynamic loader cannot find with `env` (empty when `ldd` is missing). */
export function missingLibraries(file: string, env: NodeJS.ProcessEnv): string[] {
  let listing: string;
  try {
    listing = execFileSync('ldd', [file], { env, encoding: 'utf8' });
  } catch {
    return [];
  }
  return [...listing.matchAll(/^\s*(\S+) => not found$/gm)].map((match) => match[1]!);
}

export interface PackagedChromium {
  executablePath: string;
  /** The browser process's environment: the bundled libraries and fonts first. */
  env: NodeJS.ProcessEnv;
}

/**
 * Unpacks the browser, its graphics libraries, fonts and shared libraries, and says how to start
 * it; throws, naming them, when some library it links is neither in the bundle nor on the machine.
 */
export async function packagedChromium(): Promise<PackagedChromium> {
  const executablePath = await sparticuz.executablePath();
  unpackLibraries();
  const inherited = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter((entry) => entry && entry !== libraryFolder);
  const env = { ...process.env, LD_LIBRARY_PATH: [libraryFolder, ...inherited].join(':'), FONTCONFIG_PATH: join(tmpdir(), 'fonts') };
  const missing = missingLibraries(executablePath, env);
  if (missing.length > 0) {
    throw new Error(
      `Chromium (${executablePath}) cannot start: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} neither in ` +
        `@sparticuz/chromium's library bundle (${libraryFolder}) nor on this machine`,
    );
  }
  return { executablePath, env };
}
