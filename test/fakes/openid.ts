/**
 * A stand-in for the Bot Framework's OpenID metadata and signing keys, so token validation runs
 * for real without the internet: tokens signed with `sign()` carry a key the bot trusts.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const b64url = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

export async function startOpenId() {
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = trusted.publicKey.export({ format: 'jwk' });
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/v1/keys') {
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: 'trusted-key', n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    /** A JWT like the Bot Framework's; `key: 'untrusted'` signs it with a key the bot does not know. */
    sign(claims: Record<string, unknown>, options: { key?: 'trusted' | 'untrusted'; kid?: string } = {}) {
      const key = options.key === 'untrusted' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : trusted.privateKey;
      const now = Math.floor(Date.now() / 1000);
      const head = b64url({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? 'trusted-key' });
      const body = b64url({ iss: 'https://api.botframework.com', nbf: now - 60, exp: now + 3600, serviceurl: 'http://127.0.0.1', ...claims });
      const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
      return `${head}.${body}.${b64url(signature)}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
