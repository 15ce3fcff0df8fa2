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
  { name: 'store and plumbing', parts: ['store/', 'bot/clock.ts', 'bot/logger.ts', 'bot/telemetry.ts', 'bot/telemetry-sdk.ts', 'bot/telemetry-options.ts', 'bot/server/'] },
  { name: 'i18n', parts: ['i18n/'] },
  { name: 'service', parts: ['bot/service/', 'bot/partner-center/', 'bot/microsoft/', 'bot/http/', 'bot/doctor/'] },
  { name: 'commands', parts: ['bot/commands/'] },
  { name: 'views', parts: ['views/'] },
  { name: 'renderers and conversation', parts: ['render/teams/', 'render/slack/', 'render/text/', 'bot/conversation/'], siblings: true },
  { name: 'app', parts: ['bot/app.ts', 'bot/config.ts', 'bot/demo.ts', 'bot/notifications/', 'bot/deployment-checks.ts'] },
  { name: 'surfaces', parts: ['bot/teams/', 'bot/slack/', 'bot/cli/', 'bot/web/'], siblings: true },
  { name: 'entry', parts: ['bot/surfaces.ts', 'bot/main.ts', 'bot/start.ts', 'bot/doctor-main.ts', 'bot/boot.ts'] },
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

/**
 * The folder a file belongs to, for the folder-level cycle check: `bot/<area>`, `store`, `store/pg`,
 * `views`, `i18n`, `render/<x>`. The files right under `bot/` are each their own node: they are the
 * composition root beside the plumbing (the clock, the logger, telemetry), not one module, and as
 * one node they would join every folder of the bot into a single circle that hides the real ones.
 */
function folderOf(file: string): string {
  const folder = posix.dirname(file);
  return folder === 'bot' ? file : folder.split('/').slice(0, 2).join('/');
}

/** Edges of the import graph, every import counted (type-only ones too), imports of files outside the set dropped. */
function importGraph(files: Map<string, string>, nodeOf: (file: string) => string = (f) => f): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, source] of files) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of importsOf(file, source)) {
      if (!files.has(target)) continue;
      const to = nodeOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** The shortest way from `start` back to itself, as "a -> b -> a" (BFS, neighbours in sorted order). */
function shortestCycle(graph: Map<string, Set<string>>, start: string): string {
  const cameFrom = new Map<string, string>();
  const queue = [...(graph.get(start) ?? [])].sort();
  for (const next of queue) cameFrom.set(next, start);
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === start) break;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      queue.push(next);
    }
  }
  const path = [start];
  for (let node = cameFrom.get(start)!; node !== start; node = cameFrom.get(node)!) path.unshift(node);
  return [start, ...path].join(' -> ');
}

/** One line per import circle (a strongly connected component of two or more nodes, Tarjan), through its first node. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(shortestCycle(graph, component.sort()[0]!));
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort();
}

describe('import circles', () => {
  const files = new Map(sourceFiles().map((f) => [f, readFileSync(posix.join(repo, f), 'utf8')]));

  // Every import counts, type-only ones included (`import type` from a file that imports this one
  // back is still a circle, and the fix is the same: the shared type moves to where it belongs).
  it('has no file that imports itself back, and no folder that imports a folder importing it back', () => {
    expect({ files: cycles(importGraph(files)), folders: cycles(importGraph(files, folderOf)) }).toEqual({ files: [], folders: [] });
  });

  it('catches a planted file circle, a type-only one and a folder circle', () => {
    const planted = new Map([
      ['bot/service/a.ts', "import { b } from './b.js';"],
      ['bot/service/b.ts', "import type { C } from './c.js';"],
      ['bot/service/c.ts', "export { a } from './a.js';"],
      ['bot/microsoft/graph.ts', "import { x } from '../partner-center/port.js';"],
      ['bot/partner-center/port.ts', "const m = await import('../microsoft/other.js');"],
      ['bot/microsoft/other.ts', ''],
      ['store/store.ts', "import { y } from './pg/feed.js';"],
      ['store/pg/feed.ts', ''],
      // The composition root importing a folder that imports the plumbing beside it: no circle.
      ['bot/app.ts', "import { x } from './conversation/handler.js';"],
      ['bot/conversation/handler.ts', "import { y } from '../telemetry.js';"],
      ['bot/telemetry.ts', ''],
    ]);
    expect(cycles(importGraph(planted))).toEqual(['bot/service/a.ts -> bot/service/b.ts -> bot/service/c.ts -> bot/service/a.ts']);
    expect(cycles(importGraph(planted, folderOf))).toEqual(['bot/microsoft -> bot/partner-center -> bot/microsoft']);
  });
});
