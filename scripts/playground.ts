/**
 * `npm run playground`: Microsoft 365 Agents Playground (Microsoft's local Teams-like client)
 * against the local bot. Starts the bot too unless one already answers on PORT.
 *
 *   BOOTSTRAP_ADMINS=teams:00000000-0000-0000-0000-0000000000020 npm run playground
 *
 * makes the playground's default user (Alex Wilber) a Global admin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const port = Number(process.env.PORT || 3978);
const playgroundPort = Number(process.env.PLAYGROUND_PORT || 56150);
const bot = `http://127.0.0.1:${port}`;
const children: ChildProcess[] = [];

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`${bot}/healthz`)).ok;
  } catch {
    return false;
  }
}

async function startBot(): Promise<void> {
  if (await healthy()) {
    console.log(`Using the bot already running on ${bot}.`);
    return;
  }
  const entry = join(root, 'dist', 'bot', 'start.js');
  if (!existsSync(entry)) throw new Error('The bot is not built yet: run `npm run build` (npm install does it).');
  const child = spawn(process.execPath, [entry], { stdio: 'inherit', env: { ...process.env, PORT: String(port) } });
  children.push(child);
  for (let waited = 0; !(await healthy()); waited += 100) {
    if (child.exitCode !== null) throw new Error(`The bot exited with code ${child.exitCode}.`);
    if (waited > 30_000) throw new Error(`The bot did not answer on ${bot}/healthz within 30 s.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startPlayground(): void {
  // Without a desktop the playground's attempt to open a browser (xdg-open) would end it.
  const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  const env = { ...process.env, ...(headless && !process.env.TEAMSAPPTESTER_BROWSER ? { TEAMSAPPTESTER_BROWSER: 'none' } : {}) };
  const cli = join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const args = [cli, '-e', `${bot}/api/messages`, '-c', 'msteams', '-p', String(playgroundPort), '--dt'];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  children.push(child);
  child.on('exit', (code) => stop(code ?? 0));
  console.log(`Agents Playground: open http://localhost:${playgroundPort} in a browser (the bot is ${bot}).`);
}

function stop(code: number): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}

process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
await startBot();
startPlayground();
