/** Anchor: a minimal Bolt app answering /csp, mounted on restify the way the bot mounts Slack. */
import restify from 'restify';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET!, endpoints: ['/slack/events'], logLevel: LogLevel.ERROR });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } },
});
app.command('/csp', async ({ command, ack, client }) => {
  await ack();
  await client.chat.postMessage({ channel: command.channel_id, text: `echo: ${command.text}` });
});

const server = restify.createServer({ name: 'bolt-echo' });
server.pre((req, res, next) => {
  if ((req.url ?? '').split('?')[0] !== '/slack/events') return next();
  receiver.requestListener(req, res);
  return undefined;
});
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});
server.listen(Number(process.env.PORT), '127.0.0.1');
