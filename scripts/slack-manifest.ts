/** `npm run manifest:slack`: the Slack app manifest with your bot's public URL, ready to paste into "Create from manifest". */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function slackManifest(publicUrl: string): Record<string, unknown> {
  const text = readFileSync(join(import.meta.dirname, '..', 'manifest', 'slack', 'manifest.json'), 'utf8');
  return JSON.parse(text.replaceAll('https://bot.example.com', publicUrl.replace(/\/+$/, ''))) as Record<string, unknown>;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const publicUrl = (process.argv[2] ?? process.env.PUBLIC_URL ?? '').trim();
  if (!/^https:\/\/[^/]+/.test(publicUrl)) {
    console.error('Give the public https URL Slack will call, e.g. npm run manifest:slack -- https://csp-bot.example.org (or set PUBLIC_URL).');
    process.exit(1);
  }
  console.log(JSON.stringify(slackManifest(publicUrl), null, 2));
}
