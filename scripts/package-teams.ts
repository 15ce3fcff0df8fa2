/** `npm run package:teams`: the Teams app zip to upload, with your bot's app id filled in. */
import AdmZip from 'adm-zip';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const appId = process.env.MicrosoftAppId?.trim();
if (!appId || !/^[0-9a-f-]{36}$/i.test(appId)) {
  console.error('Set MicrosoftAppId to your bot registration\'s app (client) id, e.g. MicrosoftAppId=... npm run package:teams');
  process.exit(1);
}
const folder = join(import.meta.dirname, '..', 'manifest', 'teams');
const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
manifest.id = process.env.TEAMS_APP_ID?.trim() || appId;
manifest.bots[0].botId = appId;
const publicUrl = process.env.PUBLIC_URL?.trim();
if (publicUrl) manifest.validDomains = [new URL(publicUrl).host];

const zip = new AdmZip();
zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
zip.addLocalFile(join(folder, 'color.png'));
zip.addLocalFile(join(folder, 'outline.png'));
mkdirSync('dist', { recursive: true });
zip.writeZip(join('dist', 'csp-connect-teams.zip'));
console.log('Wrote dist/csp-connect-teams.zip: upload it in Teams (Apps > Manage your apps > Upload an app).');
