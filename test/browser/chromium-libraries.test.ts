/**
 * The browser the tests drive needs nothing from the machine beyond the C runtime: every shared
 * library Chromium links (`ldd`, with the environment the tests start it with) or actually loads
 * while it renders a page (`/proc/<pid>/maps` of the browser and its children, which also shows
 * what it opens later with dlopen: NSS's soft token, the SwiftShader graphics) comes from the npm
 * packages, i.e. from node_modules or from the folders the package unpacks its bundles into.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bundleEntries, libraryFolder, packagedChromium, type PackagedChromium } from '../chromium-bundle.js';
import { launchBrowser } from '../fakes/browser.js';
import { ROOT } from '../fakes/processes.js';

/**
 * What every machine that runs Node has: glibc's own libraries (the loader, libc, libm, libdl,
 * libpthread, librt, libresolv, libutil, libanl, libmvec and its name-service modules), plus
 * libgcc_s, GCC's unwinder, which glibc itself loads to cancel threads (Debian's libc6 depends on
 * it; Node links it too). libstdc++ is not on the list: a machine may well lack it.
 */
const C_RUNTIME =
  /^(?:ld-linux[\w.-]*\.so\.\d+|lib(?:c|m|dl|pthread|rt|resolv|util|anl|mvec)\.so\.\d+|libnss_\w+\.so\.\d+|libgcc_s\.so\.1)$/;

const projectFolders = [realpathSync(ROOT), realpathSync(join(ROOT, 'node_modules'))];
/** The graphics libraries the package unpacks straight into the temp folder. */
const swiftshader = [...bundleEntries('swiftshader.tar.br').keys()]
  .filter((name) => /\.so(?:\.|$)/.test(name))
  .map((name) => join(tmpdir(), name));

/** Where a library comes from, or null when that is the machine (and not its C runtime). */
function origin(path: string): string | null {
  const real = realpathSync(path);
  if (real.startsWith(realpathSync(libraryFolder) + sep)) return 'npm (@sparticuz/chromium al2023.tar.br)';
  if (swiftshader.includes(path)) return 'npm (@sparticuz/chromium swiftshader.tar.br)';
  if (projectFolders.some((folder) => real.startsWith(folder + sep))) return 'npm (node_modules)';
  if (C_RUNTIME.test(basename(path))) return 'C runtime';
  return null;
}

/** `name => path`, or `path` alone for the loader; `not found` stays as it is. */
function linked(file: string, env: NodeJS.ProcessEnv): { name: string; path: string }[] {
  const listing = execFileSync('ldd', [file], { env, encoding: 'utf8' });
  return listing
    .split('\n')
    .map((line) => line.trim().replace(/ \(0x[0-9a-f]+\)$/, ''))
    .filter((line) => line && !line.startsWith('linux-vdso.so')) // the kernel's, in no file
    .map((line) => {
      const [name, path] = line.includes(' => ') ? line.split(' => ') : [basename(line), line];
      return { name: name!, path: path! };
    });
}

/** The process ids under `pid`, all the way down. */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // `pid (name) state ppid …`; the name may hold spaces and brackets, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function offenders(libraries: { name: string; path: string }[]): string[] {
  return libraries.flatMap(({ name, path }) => {
    if (path === 'not found') return [`${name}: not found`];
    return origin(path) === null ? [`${name}: from the machine (${realpathSync(path)})`] : [];
  });
}

let chromium: PackagedChromium;
let browser: Browser;
beforeAll(async () => {
  chromium = await packagedChromium();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

describe('the npm-shipped Chromium', () => {
  it('links only libraries from the npm packages or the C runtime', () => {
    for (const file of [chromium.executablePath, ...swiftshader]) {
      const libraries = linked(file, chromium.env);
      expect(libraries.length, file).toBeGreaterThan(0);
      expect(offenders(libraries), file).toEqual([]);
    }
    // The bundle is what supplies NSS, NSPR and expat, not the machine.
    const bundled = linked(chromium.executablePath, chromium.env).filter(({ path }) => origin(path)?.includes('al2023'));
    expect(bundled.map(({ name }) => name).sort()).toEqual(
      ['libexpat.so.1', 'libnspr4.so', 'libnss3.so', 'libnssutil3.so', 'libplc4.so', 'libplds4.so'].sort(),
    );
  });

  it('loads only libraries from the npm packages or the C runtime while it renders a page', async () => {
    const page = await browser.newPage();
    // Text (fonts), a canvas drawn through WebGL (SwiftShader) and a TLS-free page are enough to
    // make it load what a test page makes it load.
    await page.setContent(
      '<p>Invito accettato: àèìòù</p><canvas id="c"></canvas>' +
        '<script>document.getElementById("c").getContext("webgl").clearColor(0, 0, 0, 1);</script>',
    );
    await expect.poll(() => page.evaluate('document.fonts.status'), { timeout: 30_000 }).toBe('loaded');
    const browsers = descendants(process.pid).filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`) === realpathSync(chromium.executablePath);
      } catch {
        return false;
      }
    });
    expect(browsers.length).toBeGreaterThan(0);
    const loaded = new Set(
      browsers.flatMap((pid) =>
        readFileSync(`/proc/${pid}/maps`, 'utf8')
          .split('\n')
          .map((line) =>
            line
              .split(/\s+/)
              .slice(5)
              .join(' ')
              .replace(/ \(deleted\)$/, ''),
          )
          .filter((path) => path.startsWith('/') && /\.so(?:\.|$)/.test(basename(path))),
      ),
    );
    const libraries = [...loaded].map((path) => ({ name: basename(path), path }));
    expect(libraries.map(({ name }) => name)).toEqual(expect.arrayContaining(['libnss3.so', 'libGLESv2.so']));
    expect(offenders(libraries)).toEqual([]);
    await page.close();
  });
});
