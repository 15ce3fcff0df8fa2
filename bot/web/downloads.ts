/**
 * `GET /downloads/:token`: the one-time link an export gives in Teams. The service uses the link up
 * before a byte is built; what is not (or no longer) a link gets a short page that says to ask the
 * bot again. The token is in the path, which the logger redacts (bot/logger.ts).
 */
import { randomBytes } from 'node:crypto';
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
  const page = (res: Response, status: number, locale: Locale, key: MessageKey) => {
    const nonce = randomBytes(16).toString('base64');
    const title = tx(locale, 'download.title');
    const body = `<h1>${title}</h1><p>${withCode(tx(locale, key))}</p>`;
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    res.end(layout({ locale, nonce, partner: app.service.partner()?.name ?? '', title, body, switchHref: null }));
  };

  return {
    name: 'downloads',
    register(server) {
      server.get('/downloads/:token', async (req: Request, res: Response) => {
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
      });
    },
  };
}
