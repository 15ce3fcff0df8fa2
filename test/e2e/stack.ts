/**
 * The whole bot for a story test: a Teams connector stand-in, a Slack Web API stand-in, and the bot
 * on a temp data file with Slack configured; started before each test and stopped after it.
 */
import { afterEach, beforeEach } from 'vitest';
import type { Clock } from '../../bot/clock.js';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';

export const SLACK_SECRET = 'story-signing-secret';

export interface Stack {
  connector: Awaited<ReturnType<typeof startConnector>>;
  api: Awaited<ReturnType<typeof startSlackApi>>;
  bot: Awaited<ReturnType<typeof startBot>>;
}

/**
 * Registers the set-up and tear-down; read the parts from the returned object inside a test.
 * `slackUsers` are the Slack stand-in's profiles; `env` is added to the bot's configuration (a
 * function is read as each bot starts, after the hooks registered before this call have run);
 * `clock` is the bot's time (a test moves it on to expire something).
 */
export function useStack(
  options: {
    slackUsers?: Parameters<typeof startSlackApi>[0];
    env?: Record<string, string> | (() => Record<string, string>);
    clock?: Clock;
  } = {},
): Stack {
  const stack = {} as Stack;
  beforeEach(async () => {
    stack.connector = await startConnector();
    stack.api = await startSlackApi(options.slackUsers ?? { UADMIN: { name: 'Sam Slack', locale: 'en-US' } });
    stack.bot = await startBot(
      {
        SLACK_SIGNING_SECRET: SLACK_SECRET,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_API_URL: stack.api.apiUrl,
        ...(typeof options.env === 'function' ? options.env() : options.env),
      },
      options.clock ? { clock: options.clock } : {},
    );
  });
  afterEach(async () => {
    await stack.bot?.stop();
    await stack.api?.close();
    await stack.connector?.close();
  });
  return stack;
}
