import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackManifest } from '../../scripts/slack-manifest.js';

// The whole Slack surface: its listeners and replies live in several files.
const slackDir = new URL('../../bot/slack/', import.meta.url);
const source = readdirSync(slackDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(new URL(f, slackDir), 'utf8'))
  .join('\n');
const manifest = slackManifest('https://csp.example.org') as {
  display_information: { name: string; description: string; long_description: string };
  features: { app_home: Record<string, boolean>; slash_commands: Array<{ command: string; url: string; description: string; usage_hint: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
};

// The bot scope each Web API method the surface calls needs (docs.slack.dev/reference/methods).
const scopeOf: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'users.info': 'users:read',
  // Only on the bot's own DM with a person (is the chat empty, before the welcome): the DM history scope.
  'conversations.history': 'im:history',
  'views.open': null,
  'views.publish': null,
  'views.update': null,
  'auth.test': null,
  // An export (export customers, export audit) is shared in the channel as a file.
  'files.uploadV2': 'files:write',
};
const eventOf: Record<string, string> = { app_mention: 'app_mention', message: 'message.im', app_home_opened: 'app_home_opened' };

describe('Slack app manifest', () => {
  it('points the command, events and interactivity at /slack/events on the public URL', () => {
    expect(manifest.features.slash_commands).toHaveLength(1);
    expect(manifest.features.slash_commands[0]).toMatchObject({ command: '/csp', url: 'https://csp.example.org/slack/events' });
    expect(manifest.settings.event_subscriptions.request_url).toBe('https://csp.example.org/slack/events');
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://csp.example.org/slack/events' });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(source).toContain("bolt.command('/csp'");
  });

  it('asks for the scopes of every Web API method the bot calls, and no others', () => {
    const methods = [...new Set([...source.matchAll(/client\.([a-z]+)\.([a-zA-Z0-9]+)\(/g)].map((m) => `${m[1]}.${m[2]}`))];
    expect(methods.length).toBeGreaterThan(4);
    const needed = new Set(['commands', 'app_mentions:read', 'im:history']);
    // users.info gives the profile's email only with users:read.email: the Microsoft directory matches people by it.
    expect(source).toContain('user?.profile?.email');
    needed.add('users:read.email');
    // A CSV shared in a direct message (bulk invitations) is read from its url_private with the bot token: files:read.
    expect(source).toContain('url_private');
    needed.add('files:read');
    for (const method of methods) {
      expect(scopeOf, `scope for ${method}`).toHaveProperty([method]);
      if (scopeOf[method]) needed.add(scopeOf[method]!);
    }
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('subscribes to exactly the events the bot handles', () => {
    const handled = [...source.matchAll(/bolt\.event\('([a-z_]+)'/g)].map((m) => eventOf[m[1]!]);
    expect(handled).not.toContain(undefined);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...handled].sort());
  });

  it("keeps within Slack's length limits", () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.slash_commands[0]!.description.length).toBeLessThanOrEqual(100);
    expect(manifest.features.slash_commands[0]!.usage_hint.length).toBeLessThanOrEqual(100);
  });
});
