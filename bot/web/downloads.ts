/**
 * `/downloads/:token`: the one-time link an export gives in Teams. `GET` shows a page with a
 * Download button and spends nothing, so a link scanner (Safe Links, a mail gateway) that follows
 * the link does not use it up; the button's `POST` downloads. The service uses the link up before a
 * byte is built; what is not (or no longer) a link gets a short page that says to ask the bot again.
 * The token is in the path, which the logger redacts (bot/logger.ts).
 */
import { randomBytes } from 'node:crypto';
import { readBody } from '../server/body.js';
import type { Request, Response } from 'restify';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import type { Locale } from '../../store/schema.js';
import { ErrorCode, isServiceError } from '../service/errors.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { layout, tx } from './page.js';
import { pageLocale } from './surface.js';

/** Commands to type, shown as code (the catalogue writes them between backticks). */
const withCode = (html: string) => html.replace(/`([^`]+)`/g, '<code>$1</code>');

export function createDownloadSurface(app: App, logger: Logger): Surface {
  const html = (res: Response, status: number, locale: Locale, title: string, body: string) => {
    const nonce = randomBytes(16).toString('base64');
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    res.end(layout({ locale, nonce, partner: app.service.partner()?.name ?? '', title, body, switchHref: null }));
  };
  const page = (res: Response, status: number, locale: Locale, key: MessageKey) => {
    const title = tx(locale, 'download.title');
    html(res, status, locale, title, `<h1>${title}</h1><p>${withCode(tx(locale, key))}</p>`);
  };

  return {
    name: 'downloads',
    register(server) {
      server.get('/downloads/:token', async (req: Request, res: Response) => {
        const locale = pageLocale(req);
        const token = String(req.params.token);
        try {
          const { filename } = app.service.downloadOffer(token);
          const title = tx(locale, 'download.ready.title');
          // The token matched the service's base64url pattern, so it is safe in the attribute as it is.
          const form = `<form method="post" action="/downloads/${token}"><button type="submit">${tx(locale, 'download.ready.button', { file: filename })}</button></form>`;
          html(res, 200, locale, title, `<h1>${title}</h1><p>${tx(locale, 'download.ready.text')}</p>${form}`);
        } catch (error) {
          if (isServiceError(error) && error.code === ErrorCode.NotFound) return page(res, 404, locale, 'download.gone');
          logger.error({ err: error }, 'an export download page failed');
          page(res, 503, locale, 'error.unexpected');
        }
      });

      server.post(
        '/downloads/:token',
        readBody({ types: ['application/x-www-form-urlencoded'], limit: 1024 }),
        async (req: Request, res: Response) => {
          const locale = pageLocale(req);
          try {
            const file = await app.service.download(String(req.params.token));
            res.writeHead(200, {
              'Content-Type': file.contentType,
              'Content-Length': file.bytes.length,
              // The name is ours (a word and a date), never text from outside.
              'Content-Disposition': `attachment; filename="${file.filename}"`,
              'Cache-Control': 'no-store',
              'X-Content-Type-Options': 'nosniff',
              'Referrer-Policy': 'no-referrer',
            });
            res.end(file.bytes);
          } catch (error) {
            if (isServiceError(error) && error.code === ErrorCode.NotFound) return page(res, 404, locale, 'download.gone');
            if (isServiceError(error) && error.code === ErrorCode.NotAllowed) return page(res, 403, locale, 'download.notAllowed');
            logger.error({ err: error }, 'an export download failed');
            page(res, 503, locale, 'error.unexpected');
          }
        },
      );
    },
  };
}
