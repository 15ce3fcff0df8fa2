/**
 * A base URL without its trailing slashes, so `${base}/path` never doubles one. The settings
 * (PUBLIC_URL, GRAPH_URL, the login and Partner Center hosts, the Bot Framework cloud) and the
 * clients that take a base URL all trim with this, at the lowest layer every one of them may import.
 */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
