/**
 * Downloads a file a person sent the bot (a CSV for a bulk invitation), counting the bytes as they
 * arrive and stopping at the cap: a Content-Length is never trusted, and a larger file is never
 * held whole in memory.
 */

/** Why a download did not give the file: the sender's server refused, or it could not be reached. */
export class DownloadFailed extends Error {
  override readonly name = 'DownloadFailed';
}

/** The body, or null when it is over `maxBytes` (read no further than that). */
export async function downloadCapped(url: string, maxBytes: number, init: RequestInit = {}): Promise<Uint8Array | null> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new DownloadFailed(`the file could not be downloaded: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw new DownloadFailed(`the file's server answered ${response.status}`);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
