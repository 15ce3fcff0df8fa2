/**
 * A compiled expander for the subset of the Adaptive Card Templating language our templates use:
 * `${path}` (with `$root`, `$data`, `a.b`, `a[0].b`), `${count(path) > 0}`, `${path != null}`,
 * `${path == null}`, `${!path}`, `${path != ''}`, interpolated strings, `$data` (object or array)
 * and `$when`.
 *
 * adaptivecards-templating evaluates every expression through adaptive-expressions on every
 * expansion, which made rendering a card the largest cost of a turn. This produces the same
 * output (a test compares both on every sample card) with plain property lookups. A template that
 * uses anything else is not compiled: `compileTemplate` returns null and the caller keeps
 * adaptivecards-templating for it.
 */

type Scope = { root: unknown; data: unknown };
type Eval = (scope: Scope) => { ok: true; value: unknown } | { ok: false };
type Node = (scope: Scope) => unknown;

class Unsupported extends Error {}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `a.b[0].c` -> ['a', 'b', 0, 'c']; the first segment may be `$root` or `$data`. */
function parsePath(text: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const part of text.split('.')) {
    const match = /^([A-Za-z_$][\w$]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Unsupported(text);
    segments.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  if (!segments.length || !IDENT.test(String(segments[0]))) throw new Unsupported(text);
  return segments;
}

function compilePath(text: string): (scope: Scope) => unknown {
  const segments = parsePath(text.trim());
  const [first, ...rest] = segments;
  const start = first === '$root' ? (s: Scope) => s.root : first === '$data' ? (s: Scope) => s.data : (s: Scope) => lookup(s.data, first!);
  return (scope) => {
    let value = start(scope);
    for (const segment of rest) {
      if (value === null || value === undefined) return undefined;
      value = lookup(value, segment);
    }
    return value;
  };
}

function lookup(value: unknown, key: string | number): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return undefined;
  return (value as Record<string | number, unknown>)[key];
}

/** One `${...}` expression. With `substitute`, a missing value becomes the text "${path}", as the library does. */
function compileExpression(source: string, substitute: boolean): Eval {
  const text = source.trim();
  let match: RegExpExecArray | null;
  if ((match = /^count\((.+)\)\s*>\s*0$/.exec(text))) {
    const path = compilePath(match[1]!);
    return (scope) => {
      const value = path(scope);
      if (Array.isArray(value) || typeof value === 'string') return { ok: true, value: value.length > 0 };
      if (value !== null && typeof value === 'object') return { ok: true, value: Object.keys(value).length > 0 };
      return { ok: false };
    };
  }
  if ((match = /^(.+?)\s*!=\s*null$/.exec(text))) {
    const path = compilePath(match[1]!);
    return (scope) => ({ ok: true, value: (path(scope) ?? null) !== null });
  }
  if ((match = /^(.+?)\s*==\s*null$/.exec(text))) {
    const path = compilePath(match[1]!);
    return (scope) => ({ ok: true, value: (path(scope) ?? null) === null });
  }
  if ((match = /^!\s*([A-Za-z_$][\w$.[\]]*)$/.exec(text))) {
    // adaptive-expressions' logic: only false, null and a missing value are false (0 and '' are true).
    const path = compilePath(match[1]!);
    return (scope) => {
      const value = path(scope);
      return { ok: true, value: !(typeof value === 'boolean' ? value : value !== null && value !== undefined) };
    };
  }
  if ((match = /^(.+?)\s*!=\s*''$/.exec(text))) {
    const path = compilePath(match[1]!);
    return (scope) => ({ ok: true, value: (path(scope) ?? null) !== '' });
  }
  const path = compilePath(text);
  return (scope) => {
    const value = path(scope);
    // A missing field shows as its binding ("${name}"), a null one is null: the library's behaviour.
    if (value === undefined) return substitute ? { ok: true, value: `\${${text}}` } : { ok: true, value: null };
    return { ok: true, value };
  };
}

function compileString(text: string): Node {
  if (!text.includes('${')) return () => text;
  const parts: Array<string | [Eval, string]> = [];
  const pattern = /\$\{([^}]*)\}/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push([compileExpression(match[1]!, true), match[1]!]);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((p) => typeof p === 'string' && p.includes('${'))) throw new Unsupported(text);
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    const [only] = parts[0] as [Eval, string];
    return (scope) => {
      const result = only(scope);
      if (!result.ok) throw new Error(`cannot evaluate ${text}`);
      return result.value;
    };
  }
  return (scope) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const result = part[0](scope);
        out += result.ok ? String(result.value) : `\${${part[1]}}`;
      }
    }
    return out;
  };
}

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

function compileNode(node: unknown): Node {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) {
    const items = node.map(compileNode);
    return (scope) => {
      const out: unknown[] = [];
      for (const item of items) {
        const value = item(scope);
        if (value === null) continue;
        if (Array.isArray(value)) out.push(...value);
        else out.push(value);
      }
      return out;
    };
  }
  if (node === null || typeof node !== 'object') return () => node;

  const record = node as Record<string, unknown>;
  const when = typeof record.$when === 'string' ? record.$when : undefined;
  if (record.$when !== undefined && when === undefined) throw new Unsupported('$when');
  const whenSource = when === undefined ? undefined : /^\$\{(.*)\}$/s.exec(when)?.[1];
  if (when !== undefined && whenSource === undefined) throw new Unsupported(when);
  const whenExpr = whenSource === undefined ? null : compileExpression(whenSource, false);
  const data = record.$data === undefined ? undefined : compileNode(record.$data);
  const keys = Object.keys(record)
    .filter((k) => !RESERVED.has(k))
    .map((k) => [k, compileNode(record[k])] as const);

  const expandOne = (scope: Scope) => {
    if (whenExpr) {
      const result = whenExpr(scope);
      if (!(result.ok && result.value === true)) return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of keys) {
      const expanded = value(scope);
      if (expanded !== undefined) out[key] = expanded;
    }
    return out;
  };

  return (scope) => {
    const results: unknown[] = [];
    if (!data) {
      const one = expandOne(scope);
      if (one !== undefined) results.push(one);
    } else {
      const context = data(scope);
      const contexts = Array.isArray(context) ? context : [context];
      for (const item of contexts) {
        const one = expandOne(item === undefined ? scope : { root: scope.root, data: item });
        if (one !== undefined) results.push(one);
      }
    }
    return results.length === 0 ? null : results.length === 1 ? results[0] : results;
  };
}

/** The expander for `template`, or null when it uses more of the language than this supports. */
export function compileTemplate(template: object): ((data: object) => unknown) | null {
  try {
    const root = compileNode(template);
    return (data) => root({ root: data, data });
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}
