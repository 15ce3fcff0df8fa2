/**
 * `npm run test:mutation:guards`: Stryker on the lines of bot/service/ that guard something, and
 * nothing else: every role check (`requireRole`, `requirePermission`), every state
 * guard that refuses with `Conflict` or `InvitationUnusable`, and the role checks themselves in
 * roles.ts. A few minutes instead of the whole folder's hour; a surviving mutant here is an
 * authorization check or a state guard that no test would miss.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const FOLDER = 'bot/service';
const GUARD = /\b(requireRole|requirePermission)\(ctx\b|\bnew (Conflict|InvitationUnusable)\(/;

const ranges: string[] = [];
for (const name of readdirSync(join(ROOT, FOLDER))
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const path = `${FOLDER}/${name}`;
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (GUARD.test(line) && !/^\s*(import|export function)\b/.test(line)) ranges.push(`${path}:${i + 1}-${i + 1}`);
  });
  if (name === 'roles.ts') {
    // The checks' own bodies: requireRole and requirePermission, up to the role operations.
    const start = lines.findIndex((l) => l.startsWith('export function requireRole'));
    const end = lines.findIndex((l) => l.startsWith('export function createRoleOperations'));
    if (start < 0 || end < start) throw new Error('roles.ts: requireRole or createRoleOperations not found');
    ranges.push(`${path}:${start + 1}-${end}`);
  }
}
console.log(`${ranges.length} guarded places in ${FOLDER}/`);
const result = spawnSync('npx', ['stryker', 'run', '--mutate', ranges.join(','), ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
