/**
 * `npm run partner-center:webhooks -- <command>`: Partner Center's webhook registration for this
 * bot. `register <public url>` registers `<public url>/partner-center/events/<token>` for the
 * acceptance events (and `test-created`) and sends the validation event; `status`, `unregister`
 * and `validate` do what they say.
 */
import { randomBytes } from 'node:crypto';
import { createPartnerCenterAuth } from '../bot/partner-center/auth.js';
import { systemClock } from '../bot/clock.js';
import { PartnerCenterError } from '../bot/partner-center/port.js';
import {
  createWebhookRegistrationClient,
  WEBHOOK_EVENTS,
  type WebhookRegistrationClient,
} from '../bot/partner-center/webhook-registration.js';
import { PARTNER_CENTER_EVENTS_PATH } from '../bot/partner-center/webhooks.js';

export const HELP = `Usage: npm run partner-center:webhooks -- <command>

Commands:
  register <public url>  register <public url>${PARTNER_CENTER_EVENTS_PATH}/<PARTNER_CENTER_WEBHOOK_TOKEN>
                         for ${WEBHOOK_EVENTS.join(', ')}
                         (POST, or PUT over an existing registration), then send the validation event
  status                 show the current registration (the token in its URL is hidden)
  unregister             delete the registration
  validate               send a validation event (test-created); Partner Center allows 2 a minute

Sign-in: the script shows a device code; sign in with it as a Global admin or Admin agent of
your partner account, with MFA (the same as "connect partner center" in the chat). Nothing is
kept: the tokens live in this process only.

Environment:
  MICROSOFT_TENANT_ID, MICROSOFT_CLIENT_ID  your partner tenant and the app registration (public
                                client flows allowed); default MicrosoftAppTenantId, MicrosoftAppId
  PARTNER_CENTER_LOGIN_URL      Entra's login (default https://login.microsoftonline.com)
  PARTNER_CENTER_ACCESS_TOKEN   instead of signing in: a Partner Center access token (App+User,
                                audience https://api.partnercenter.microsoft.com)
  PARTNER_CENTER_WEBHOOK_TOKEN  the bot's secret path token (register only; the same value the bot runs with)
  PARTNER_CENTER_URL            Partner Center's API base (default https://api.partnercenter.microsoft.com)
`;

/** The registered URL without its secret path segment, for printing. */
export function hideToken(url: string): string {
  return url.replace(new RegExp(`(${PARTNER_CENTER_EVENTS_PATH}/)[^/?#]+`), '$1[hidden]');
}

export async function run(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  makeClient: (accessToken: string, baseUrl: string | undefined) => WebhookRegistrationClient = (token, baseUrl) =>
    createWebhookRegistrationClient({ accessToken: async () => token, baseUrl }),
): Promise<number> {
  const [command, arg] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(HELP);
    return command ? 0 : 1;
  }
  if (!['register', 'status', 'unregister', 'validate'].includes(command)) {
    out(`Unknown command "${command}".\n\n${HELP}`);
    return 1;
  }
  const accessToken = env.PARTNER_CENTER_ACCESS_TOKEN?.trim() || (await signInFromTerminal(env, out));
  if (!accessToken) return 1;
  const client = makeClient(accessToken, env.PARTNER_CENTER_URL?.trim() || undefined);
  try {
    if (command === 'register') {
      const base = (arg ?? '').trim().replace(/\/+$/, '');
      if (!/^https:\/\/[^/\s]+(\/\S*)?$/.test(base)) {
        out("Give the bot's public https URL, e.g. npm run partner-center:webhooks -- register https://csp-bot.example.org");
        return 1;
      }
      const secret = env.PARTNER_CENTER_WEBHOOK_TOKEN?.trim() ?? '';
      if (!/^[A-Za-z0-9_-]{32,256}$/.test(secret)) {
        out('Set PARTNER_CENTER_WEBHOOK_TOKEN to the value the bot runs with (32+ characters of A-Za-z0-9_-).');
        return 1;
      }
      const saved = await client.register(`${base}${PARTNER_CENTER_EVENTS_PATH}/${secret}`);
      out(`Registered ${hideToken(saved.webhookUrl)} for ${saved.webhookEvents.join(', ')}.`);
      const correlationId = await client.sendValidationEvent();
      out(`Validation event sent (correlation id ${correlationId}); the bot answers it with 200 and logs it.`);
      return 0;
    }
    if (command === 'status') {
      const current = await client.get();
      out(
        current
          ? `Registered: ${hideToken(current.webhookUrl)}\nEvents: ${current.webhookEvents.join(', ') || '(none)'}`
          : 'No webhook registration.',
      );
      return 0;
    }
    if (command === 'unregister') {
      out((await client.unregister()) ? 'Registration deleted.' : 'No webhook registration to delete.');
      return 0;
    }
    const correlationId = await client.sendValidationEvent();
    out(`Validation event sent (correlation id ${correlationId}).`);
    return 0;
  } catch (error) {
    if (error instanceof PartnerCenterError) {
      out(`Partner Center refused: ${error.status} ${error.code}: ${error.description}`);
      return 2;
    }
    throw error;
  }
}

/**
 * A device-code sign-in in the terminal, with a throwaway key and an in-memory cache: the token
 * is used for these calls and forgotten with the process.
 */
async function signInFromTerminal(env: Record<string, string | undefined>, out: (line: string) => void): Promise<string | null> {
  const tenantId = env.MICROSOFT_TENANT_ID?.trim() || env.MicrosoftAppTenantId?.trim();
  const clientId = env.PARTNER_CENTER_CLIENT_ID?.trim() || env.MICROSOFT_CLIENT_ID?.trim() || env.MicrosoftAppId?.trim();
  if (!tenantId || !clientId) {
    out(
      'Set MICROSOFT_TENANT_ID and MICROSOFT_CLIENT_ID (your partner tenant and app registration) to sign in, or PARTNER_CENTER_ACCESS_TOKEN (see --help).',
    );
    return null;
  }
  let kept: string | null = null;
  const auth = createPartnerCenterAuth({
    tenantId,
    clientId,
    authorityHost: env.PARTNER_CENTER_LOGIN_URL?.trim() || env.MICROSOFT_LOGIN_URL?.trim() || undefined,
    cache: {
      load: () => kept,
      save: async (encrypted) => {
        kept = encrypted;
      },
      clear: async () => {
        kept = null;
      },
    },
    encryptionKey: randomBytes(32),
    clock: systemClock,
  });
  const { prompt, done } = await auth.startSignIn();
  out(prompt.message);
  try {
    const signedIn = await done;
    out(`Signed in as ${signedIn.account}.`);
    return await auth.accessToken();
  } catch (error) {
    out(
      `Sign-in did not finish: ${error instanceof PartnerCenterError ? `${error.code}: ${error.description}` : (error as Error).message}`,
    );
    return null;
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.exitCode = await run(process.argv.slice(2), process.env, (line) => console.log(line));
}
