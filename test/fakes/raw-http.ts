/** Raw HTTP requests, for probes fetch would tidy up (any Host, any encoding, a body as bytes). */
import { request, type Server } from 'node:http';
import { duplexPair } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
        setHost: !options.headers?.host,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    // The server may answer and close before the whole body is sent (a 413 or 415): that is its answer.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') return reject(err);
      setTimeout(() => resolve({ status: 0, headers: {}, text: err.code! }), 2_000).unref();
    });
    req.end(options.body);
  });
}

/**
 * A request handed to `server` over an in-memory connection whose far end claims to be
 * `peer.address`: what the server sees when a caller on another machine connects, on machines
 * that have no network address of their own to call from. The server's code runs unchanged from
 * the connection on (`req.socket.remoteAddress` is the peer's).
 */
export function requestFromPeer(
  server: Server,
  peer: { address: string; localPort: number },
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const [client, socket] = duplexPair();
  // What a net.Socket tells about its ends, and the calls the http server makes on one.
  Object.assign(socket, {
    remoteAddress: peer.address,
    remotePort: 50_000,
    remoteFamily: peer.address.includes(':') ? 'IPv6' : 'IPv4',
    localAddress: '0.0.0.0',
    localPort: peer.localPort,
    setTimeout: () => socket,
    setNoDelay: () => socket,
    setKeepAlive: () => socket,
  });
  server.emit('connection', socket);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        createConnection: () => client as never,
        host: '127.0.0.1',
        port: peer.localPort,
        method: options.method ?? 'POST',
        path: options.path,
        headers: { connection: 'close', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
