/**
 * Local mode (no Bot Framework credentials): nothing authenticates the caller of /api/messages,
 * so only what a local client (the Emulator, Agents Playground, a test) would send is accepted.
 */
import type { Next, Request, Response } from 'restify';
import { isLoopbackAddress } from '../server/url.js';

/** In local mode replies go wherever `serviceUrl` points, with no auth: only http(s) on loopback. */
export { isLoopbackAddress, isLoopbackUrl } from '../server/url.js';

/** The Host values a local client uses for the port the request came in on. */
export function isLocalHost(host: string | undefined, port: number | undefined): boolean {
  if (!host || !port) return false;
  const wanted = host.trim().toLowerCase();
  return ['127.0.0.1', 'localhost', '[::1]'].some((name) => wanted === `${name}:${port}`);
}

/**
 * Refuses (403) what could come from somewhere other than a local client:
 * - a peer that is not this machine (HOST may open the port for Slack or the customer's page);
 * - an `Origin` header: only browsers send one, and a page open in a browser on this machine
 *   must not drive the bot (cross-site request forgery);
 * - a `Host` other than the loopback name and port: a page whose DNS name was re-pointed at
 *   127.0.0.1 (DNS rebinding) would otherwise pass the same-origin check and read the replies.
 * Runs before the body is read.
 */
export function localOnly(req: Request, res: Response, next: Next): void {
  const refuse = (error: string) => {
    res.send(403, { error });
    next(false);
  };
  if (!isLoopbackAddress(req.socket?.remoteAddress)) {
    return refuse('Without Bot Framework credentials (local mode) /api/messages only accepts requests from this machine.');
  }
  if (req.headers.origin !== undefined)
    return refuse('In local mode /api/messages does not accept requests from web pages (an Origin header was sent).');
  if (!isLocalHost(req.headers.host, req.socket?.localPort)) {
    return refuse('In local mode /api/messages only answers requests addressed to 127.0.0.1, localhost or [::1] on its own port.');
  }
  next();
}
