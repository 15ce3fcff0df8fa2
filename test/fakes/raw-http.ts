/** Raw HTTP requests, for probes fetch would tidy up (any Host, any encoding, a body as bytes). */
import { request, type Server } from 'node:http';
import { connect } from 'node:net';
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
 * An upload that never finishes: the headers and `sent` bytes of a body, then the client goes.
 * `destroy` closes the socket (an aborted upload), `reset` sends a TCP RST (the server's stream
 * errors with ECONNRESET), `bad-chunk` breaks the chunked framing (the server's HTTP parser fails
 * mid-body). Resolves with whatever the server wrote back, once the socket is closed.
 */
export function brokenUpload(
  url: string,
  options: {
    path: string;
    headers: Record<string, string>;
    sent: Buffer | string;
    how: 'destroy' | 'reset' | 'bad-chunk';
    declared?: number;
  },
): Promise<string> {
  const { hostname, port } = new URL(url);
  const body = Buffer.from(options.sent);
  const framing =
    options.how === 'bad-chunk' ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(options.declared ?? body.length * 10) };
  const headers = { host: `${hostname}:${port}`, ...options.headers, ...framing };
  const head = `POST ${options.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(head);
      if (options.how === 'bad-chunk') socket.write(`${body.length.toString(16)}\r\n${body.toString('latin1')}\r\nnot-a-chunk-size\r\n`);
      else socket.write(body);
      // Long enough for the server to be reading the body when the client goes.
      setTimeout(() => {
        if (options.how === 'destroy') socket.destroy();
        else if (options.how === 'reset') socket.resetAndDestroy();
      }, 100);
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    socket.on('close', () => resolve(answer));
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

/** A socket holding an upload it never finishes (see unfinishedUpload). */
export interface HeldUpload {
  /** Resolves once every byte was handed to the network, or the socket closed first. */
  written: Promise<void>;
  /** Resolves once the server closed the socket: what it wrote back, and when (ms since the epoch). */
  closed: Promise<{ answer: string; at: number }>;
  /** Closes it from this end (cleanup). */
  destroy(): void;
}

/**
 * A slow client: the headers and `sent` bytes of a body, declared longer (`declared`) or chunked
 * and never terminated, and then nothing; the socket stays open until the server closes it.
 */
export function unfinishedUpload(
  url: string,
  options: { path: string; headers: Record<string, string>; sent: Buffer; declared?: number },
): HeldUpload {
  const { hostname, port } = new URL(url);
  const framing = options.declared === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(options.declared) };
  const headers = { host: `${hostname}:${port}`, ...options.headers, ...framing };
  const head = `POST ${options.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  let answer = '';
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const socket = connect({ host: hostname, port: Number(port) }, () => {
    socket.write(head);
    if (options.declared === undefined) socket.write(`${options.sent.length.toString(16)}\r\n`);
    socket.write(options.sent);
    socket.write(options.declared === undefined ? '\r\n' : '', () => wrote());
  });
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  // The server may close while bytes are still on their way: that is its answer.
  socket.on('error', () => {});
  const closed = new Promise<{ answer: string; at: number }>((resolve) =>
    socket.once('close', () => {
      wrote();
      resolve({ answer, at: Date.now() });
    }),
  );
  return { written, closed, destroy: () => socket.destroy() };
}
