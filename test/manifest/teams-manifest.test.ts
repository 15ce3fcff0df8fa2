import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { commands } from '../../bot/commands/parse.js';

const manifest = JSON.parse(readFileSync(new URL('../../manifest/teams/manifest.json', import.meta.url), 'utf8'));

describe('Teams app manifest', () => {
  it('validates offline against the official schema it names', async () => {
    expect(manifest.$schema).toMatch(/v1\.(2[2-9]|3\d)\//);
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).toEqual([]);
  });

  it('lists only commands the bot understands, within Teams limits', () => {
    const phrases = commands.flatMap((c) => c.phrases.en);
    const listed = manifest.bots[0].commandLists[0].commands as Array<{ title: string }>;
    expect(listed.length).toBeLessThanOrEqual(10);
    for (const { title } of listed) expect(phrases).toContain(title);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
  });
});
