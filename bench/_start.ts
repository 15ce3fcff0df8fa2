import { writeSnapshot } from './fixtures.js';
import { startProcess } from './lib.js';
const fixture = '/tmp/prof2/db.json';
writeSnapshot(fixture, 100000, { admins: ['teams:aad-admin'] });
const bot = await startProcess(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof2', 'dist/bot/main.js'], { DATA_FILE: fixture, BOOTSTRAP_ADMINS: 'teams:aad-admin' });
console.log('startup', bot.startupMs, 'rss idle', bot.rssMb());
process.kill(bot.pid, 'SIGINT');
await new Promise((r) => setTimeout(r, 8000));
