/**
 * A base URL without its trailing slashes, so `${base}/path` never doubles one. The settings
 * (PUBLIC_URL, GRAPH_URL, the login and Partner Center hosts, the Bot Framework cloud) and the
 * clients that take a base URL all trim with this, at the lowest layer every one of them may import.
 */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** An http(s) URL on this machine (localhost, 127.0.0.0/8, ::1): nothing outside can reach it. */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || isLoopbackAddress(host);
  } catch {
    return false;
  }
}

/** A peer address on this machine (IPv4, IPv6, or IPv4 mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || /^127(\.\d{1,3}){3}$/.test(plain);
}
