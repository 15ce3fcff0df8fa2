/** The customer's side: `GET /invitations/:token` and `POST /invitations/:token/accept`. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import type { Locale } from '../../store/schema.js';
import { isServiceError, ErrorCode, InvitationUnusable } from '../service/errors.js';
import type { InvitationStatus, InvitationRecord } from '../service/invitations.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { formatDate } from '../../views/index.js';
import { acceptForm, layout, tx } from './page.js';
import { readBody } from '../server/body.js';

/** `?lang=` wins, then the browser's Accept-Language; English otherwise. */
export function pageLocale(req: Request): Locale {
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('lang');
  if (query === 'it' || query === 'en') return query;
  const header = String(req.headers['accept-language'] ?? '');
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('it') ? 'it' : 'en';
}

type GoneReason = 'used' | 'revoked' | 'expired' | 'unknown';

/** Why a link can no longer be used, from the invitation's status (null while it can). */
function goneReason(status: InvitationStatus): GoneReason | null {
  if (status === 'accepted') return 'used';
  return status === 'revoked' || status === 'expired' ? status : null;
}

/** `secureCookie`: the page is served over https (PUBLIC_URL), so the form cookie never travels in clear. */
export function createWebSurface(app: App, logger: Logger, options: { secureCookie?: boolean; secret?: Buffer } = {}): Surface {
  // Binds each form to its invitation and to a cookie only this site can set (SameSite=Strict).
  // `secret`: the one every replica shares; one process makes its own.
  const secret = options.secret ?? randomBytes(32);
  const csrfFor = (token: string, nonce: string) => createHmac('sha256', secret).update(`${token}.${nonce}`).digest('base64url');

  const send = (res: Response, status: number, html: string, nonce: string, cookie?: string) => {
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      ...(cookie ? { 'Set-Cookie': cookie } : {}),
    });
    res.end(html);
  };

  const page = (locale: Locale, partner: string, title: string, body: string, switchHref: string | null) => {
    const nonce = randomBytes(16).toString('base64');
    return { nonce, html: layout({ locale, nonce, partner, title, body, switchHref }) };
  };

  const gonePage = (res: Response, locale: Locale, partner: string, reason: GoneReason) => {
    const title = tx(locale, 'web.gone.title');
    const body = `<h1>${title}</h1><p>${tx(locale, `web.gone.${reason}`, { partner })}</p><p>${tx(locale, 'web.gone.next', { partner })}</p>`;
    const p = page(locale, partner, title, body, null);
    send(res, reason === 'unknown' ? 404 : 410, p.html, p.nonce);
  };

  const formPage = (
    res: Response,
    req: Request,
    inv: InvitationRecord,
    status: number,
    values: Record<string, string>,
    errors: Partial<Record<string, MessageKey>>,
    notice?: MessageKey,
  ) => {
    const locale = pageLocale(req);
    const cookieNonce = randomBytes(16).toString('base64url');
    const title = inv.providerName
      ? tx(locale, 'web.titleWithProvider', { partner: inv.partnerName, provider: inv.providerName })
      : tx(locale, 'web.title', { partner: inv.partnerName });
    const grants = [
      tx(locale, 'web.grant.reseller', { partner: inv.partnerName }),
      ...(inv.providerName ? [tx(locale, 'web.grant.provider', { provider: inv.providerName })] : []),
    ];
    // Looked up by the token in the request, so the view holds it.
    const token = inv.token ?? '';
    const path = `/invitations/${token}`;
    const body = `<h1>${title}</h1>
<p>${tx(locale, 'web.intro', { partner: inv.partnerName })}</p>
<p>${tx(locale, 'web.grants')}</p><ul>${grants.map((g) => `<li>${g}</li>`).join('')}</ul>
${notice ? `<p class="error" role="alert">${tx(locale, notice)}</p>` : ''}
<h2>${tx(locale, 'web.form')}</h2>
${acceptForm({ locale, action: `${path}/accept?lang=${locale}`, csrf: csrfFor(token, cookieNonce), values, errors })}
<p class="muted">${tx(locale, 'web.privacy')}</p>
<p class="muted">${tx(locale, 'web.expires', { date: formatDate({ locale }, inv.expiresAt, false) })}</p>`;
    const p = page(locale, inv.partnerName, title, body, `${path}?lang=${locale === 'it' ? 'en' : 'it'}`);
    send(
      res,
      status,
      p.html,
      p.nonce,
      `csp_form=${cookieNonce}; Path=/invitations/; HttpOnly; SameSite=Strict${options.secureCookie ? '; Secure' : ''}`,
    );
  };

  /** Something failed on the bot's side (the store): nothing was changed, try again later. */
  const unavailablePage = (res: Response, locale: Locale, partner: string) => {
    const p = page(locale, partner, tx(locale, 'ui.error.title'), `<p>${tx(locale, 'error.unexpected')}</p>`, null);
    send(res, 503, p.html, p.nonce);
  };

  /**
   * A store that failed a write holds in memory what may not be on disk (an acceptance the
   * customer was told failed): until a restart, the page answers that it is unavailable rather
   * than show a link as used, or take a submission it cannot keep.
   */
  const storeFailed = (res: Response, locale: Locale) => {
    if (app.store.healthy) return false;
    unavailablePage(res, locale, partnerName());
    return true;
  };

  const lookup = (token: string): InvitationRecord | null => {
    try {
      return app.service.invitationForToken(token);
    } catch {
      return null;
    }
  };

  const partnerName = () => app.service.partner()?.name ?? '';

  return {
    name: 'web',
    register(server) {
      server.get('/invitations/:token', async (req: Request, res: Response) => {
        const locale = pageLocale(req);
        if (storeFailed(res, locale)) return;
        const inv = lookup(String(req.params.token));
        if (!inv) return gonePage(res, locale, partnerName(), 'unknown');
        const reason = goneReason(inv.effectiveStatus);
        if (reason) return gonePage(res, locale, inv.partnerName, reason);
        formPage(res, req, inv, 200, {}, {});
      });

      server.post(
        '/invitations/:token/accept',
        readBody({ types: ['application/x-www-form-urlencoded'], limit: 16 * 1024 }),
        async (req: Request, res: Response) => {
          const locale = pageLocale(req);
          const token = String(req.params.token);
          if (storeFailed(res, locale)) return;
          const inv = lookup(token);
          if (!inv) return gonePage(res, locale, partnerName(), 'unknown');
          const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
          const values = Object.fromEntries(
            ['companyName', 'domain', 'name', 'email'].map((k) => [k, typeof form[k] === 'string' ? (form[k] as string) : '']),
          );
          const cookieNonce = /(?:^|;\s*)csp_form=([A-Za-z0-9_-]+)/.exec(String(req.headers.cookie ?? ''))?.[1] ?? '';
          const expected = Buffer.from(csrfFor(token, cookieNonce));
          const given = Buffer.from(typeof form.csrf === 'string' ? form.csrf : '');
          if (!cookieNonce || given.length !== expected.length || !timingSafeEqual(given, expected)) {
            return formPage(res, req, inv, 403, values, {}, 'web.forged');
          }
          try {
            const { customer } = await app.service.acceptInvitation(token, values);
            const title = tx(locale, 'web.done.title');
            const body = `<h1>${title}</h1><p>${tx(locale, 'web.done.text', { partner: inv.partnerName, company: customer.companyName })}</p>`;
            const p = page(locale, inv.partnerName, title, body, null);
            send(res, 200, p.html, p.nonce);
          } catch (error) {
            if (isServiceError(error) && error.code === ErrorCode.InvalidInput)
              return formPage(res, req, inv, 422, values, error.fields, 'web.fix');
            // The link was used up, revoked or expired meanwhile.
            const reason = error instanceof InvitationUnusable ? goneReason(error.status) : null;
            if (reason) return gonePage(res, locale, inv.partnerName, reason);
            logger.error({ err: error }, 'accepting an invitation failed');
            unavailablePage(res, locale, inv.partnerName);
          }
        },
      );
    },
  };
}
