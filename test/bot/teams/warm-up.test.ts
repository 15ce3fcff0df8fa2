import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { warmUpTeams } from '../../../bot/teams/warm-up.js';

/** An adapter whose middleware notes each turn and what it sends. */
function recordingAdapter(settings: Record<string, string>) {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
  const seen: string[] = [];
  adapter.use(async (context, next) => {
    seen.push(`turn ${context.activity.type}`);
    context.onSendActivities(async (_context, activities, send) => {
      for (const activity of activities) seen.push(`sent ${activity.type}${activity.attachments?.length ? ' with a card' : ''}`);
      return send();
    });
    await next();
  });
  adapter.onTurnError = async (_context, error) => {
    seen.push(`failed: ${String(error)}`);
  };
  return { adapter, seen };
}

describe('the Teams warm-up at start', () => {
  it('runs a typed message and a card action through the adapter, the reply answered in-process (local mode)', async () => {
    const { adapter, seen } = recordingAdapter({});
    await warmUpTeams(adapter, '');
    expect(seen).toEqual(['turn message', 'sent message with a card', 'turn invoke', 'sent invokeResponse']);
  });

  it('does the same with Bot Framework credentials, fetching no token', async () => {
    // The login endpoint is a closed port: a token request would fail the warm-up turn.
    const { adapter, seen } = recordingAdapter({
      MicrosoftAppId: '00000000-0000-0000-0000-00000000a11d',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'tenant-1',
      ToChannelFromBotLoginUrl: 'http://127.0.0.1:9/tenant-1',
    });
    await warmUpTeams(adapter, '00000000-0000-0000-0000-00000000a11d');
    expect(seen).toEqual(['turn message', 'sent message with a card', 'turn invoke', 'sent invokeResponse']);
  });
});
