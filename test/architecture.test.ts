/**
 * The layers of the code, bottom to top (the README's "How it is built"). A file may import from
 * its own layer and the layers below it, never from a layer above. Within a layer listed as
 * `siblings`, each part may not import the others either: the three renderers know nothing of each
 * other or of the conversation, and the surfaces know nothing of each other. Type-only imports
 * count too: a type from above is still a dependency on above.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

type Layer = { name: string; parts: string[]; siblings?: true };

const layers: Layer[] = [
  { name: 'store and plumbing', parts: ['store/', 'bot/clock.ts', 'bot/logger.ts', 'bot/telemetry.ts', 'bot/telemetry-sdk.ts', 'bot/server/'] },
  { name: 'i18n', parts: ['i18n/'] },
  { name: 'service', parts: ['bot/service/', 'bot/partner-center/', 'bot/microsoft/', 'bot/doctor/'] },
  { name: 'commands', parts: ['bot/commands/'] },
  { name: 'views', parts: ['views/'] },
  { name: 'renderers and conversation', parts: ['render/teams/', 'render/slack/', 'render/text/', 'bot/conversation/'], siblings: true },
  { name: 'app', parts: ['bot/app.ts', 'bot/config.ts', 'bot/demo.ts', 'bot/notifications/', 'bot/deployment-checks.ts'] },
  { name: 'surfaces', parts: ['bot/teams/', 'bot/slack/', 'bot/cli/', 'bot/web/'], siblings: true },
  { name: 'entry', parts: ['bot/surfaces.ts', 'bot/main.ts', 'bot/start.ts', 'bot/doctor-main.ts'] },
];

const roots = ['store', 'i18n', 'bot', 'views', 'render'];
const repo = fileURLToPath(new URL('..', import.meta.url));

type Place = { layer: number; part: string };

function placeOf(file: string): Place | undefined {
  for (const [layer, { parts }] of layers.entries()) {
    const part = parts.find((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
    if (part) return { layer, part };
  }
  return undefined;
}

function sourceFiles(): string[] {
  return roots.flatMap((root) =>
    readdirSync(posix.join(repo, root), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => posix.join(root, f.split('\\').join('/'))),
  );
}

/** The repository paths a file imports (static, dynamic, `export … from`), relative ones only. */
function importsOf(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
}

/** Every import that goes up a layer, or sideways between siblings, as "from -> to (why)". */
function violations(files: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, source] of files) {
    const from = placeOf(file);
    if (!from) continue;
    for (const target of importsOf(file, source)) {
      const to = placeOf(target);
      if (!to) continue;
      if (to.layer > from.layer) {
        found.push(`${file} -> ${target} (${layers[from.layer]!.name} imports ${layers[to.layer]!.name})`);
      } else if (to.layer === from.layer && layers[from.layer]!.siblings && to.part !== from.part) {
        found.push(`${file} -> ${target} (${from.part} imports its sibling ${to.part})`);
      }
    }
  }
  return found;
}

describe('architecture', () => {
  const files = new Map(sourceFiles().map((f) => [f, readFileSync(posix.join(repo, f), 'utf8')]));

  it('places every source file in exactly one layer', () => {
    expect(files.size).toBeGreaterThan(50);
    expect([...files.keys()].filter((f) => !placeOf(f))).toEqual([]);
    const parts = layers.flatMap((l) => l.parts);
    for (const part of parts) expect(parts.filter((p) => part.startsWith(p) || p.startsWith(part))).toEqual([part]);
  });

  it('imports only downward, and never between sibling renderers or surfaces', () => {
    expect(violations(files)).toEqual([]);
  });

  it('catches an upward import, a sibling import and a type-only one', () => {
    const planted = new Map([
      ['i18n/catalogue.ts', "import { toHomeView } from '../views/index.js';"],
      ['render/slack/blocks.ts', "export { renderAdaptiveCard } from '../teams/adaptive.js';"],
      ['bot/service/roles.ts', "import type { Turn } from '../conversation/handler.js';"],
      ['views/common.ts', "const m = await import('../render/text/render-text.js');"],
      ['bot/cli/session.ts', "import { t } from '../../i18n/catalogue.js';"],
    ]);
    expect(violations(planted)).toEqual([
      'i18n/catalogue.ts -> views/index.ts (i18n imports views)',
      'render/slack/blocks.ts -> render/teams/adaptive.ts (render/slack/ imports its sibling render/teams/)',
      'bot/service/roles.ts -> bot/conversation/handler.ts (service imports renderers and conversation)',
      'views/common.ts -> render/text/render-text.ts (views imports renderers and conversation)',
    ]);
  });
});
