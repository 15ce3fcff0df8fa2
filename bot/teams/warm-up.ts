/**
 * The first Teams turn after start took about 300 ms where the tenth takes a few: it loaded the
 * card templates and ran every function of botbuilder's pipeline, the renderer and the size guard
 * for the first time, and a reply its connector client's serialiser and HTTP pipeline. Before the
 * server listens (so before /healthz says ok), a card of every kind is rendered and measured, and a
 * typed message and a card action run through the adapter, its middleware and an activity handler
 * that answers as the real bot does, without the service: nothing is stored, and the one reply
 * goes to a stand-in connector on loopback in this process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type CloudAdapter,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity } from 'botframework-connector';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderAdaptiveCard, toAttachment } from '../../render/teams/adaptive.js';
import { sampleViews } from '../../views/samples.js';
import type { View } from '../../views/index.js';
import { fitActivity } from './size-guard.js';

/** One sample view of each kind: rendering them compiles every template and runs the renderer's code once. */
function oneOfEachKind(): View[] {
  const kinds = new Map<View['kind'], View>();
  for (const view of Object.values(sampleViews('en'))) if (!kinds.has(view.kind)) kinds.set(view.kind, view);
  return [...kinds.values()];
}

/** Answers as the real bot does: a page turn with a card in place, a message with a card posted back. */
class WarmUpBot extends TeamsActivityHandler {
  constructor(private readonly card: View) {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity({ attachments: [toAttachment(this.card)] });
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(): Promise<AdaptiveCardInvokeResponse> {
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: renderAdaptiveCard(this.card) };
  }
}

/** The connector for the warm-up's reply: on loopback, in this process, answering as Teams' does. */
async function standInConnector(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end('{"id":"warm-up-reply"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const activity = (serviceUrl: string, extra: Partial<Activity>): Activity =>
  ({
    id: 'warm-up',
    channelId: 'msteams',
    serviceUrl,
    from: { id: 'warm-up' },
    recipient: { id: 'warm-up' },
    conversation: { id: 'warm-up', conversationType: 'personal' },
    ...extra,
  }) as Activity;

/**
 * The turns run on the adapter itself, its middleware included, with the claims a request for this
 * app carries once authenticated (none in local mode), so the user-token client the adapter builds
 * for them is the one the first real turn gets. No token is checked, and none is fetched: the
 * connector client, for the stand-in above, has no credentials.
 */
export async function warmUpTeams(adapter: CloudAdapter, appId: string): Promise<void> {
  const views = oneOfEachKind();
  for (const view of views) fitActivity({ type: 'message', attachments: [toAttachment(view)] }, 'en');
  const list = views.find((view) => view.kind === 'customerList') ?? views[0]!;
  const connector = await standInConnector();
  try {
    const claimsIdentity = appId
      ? new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true)
      : new ClaimsIdentity([], AuthenticationConstants.AnonymousAuthType);
    const anonymous = new ClaimsIdentity([], AuthenticationConstants.AnonymousAuthType);
    const connectorFactory = new ConfigurationBotFrameworkAuthentication({}).createConnectorFactory(anonymous);
    const bot = new WarmUpBot(list);
    const turn = (extra: Partial<Activity>) =>
      adapter.processActivityDirect(
        { audience: AuthenticationConstants.ToChannelFromBotOAuthScope, claimsIdentity, connectorFactory },
        activity(connector.url, extra),
        (context: TurnContext) => bot.run(context),
      );
    await turn({ type: 'message', text: 'list customers' });
    await turn({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'warm-up', data: {} } } });
  } finally {
    await connector.close();
  }
}
