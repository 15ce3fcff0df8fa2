/**
 * A stand-in for the Microsoft storage host that serves Partner Center's webhook signing
 * certificate: a test CA (to configure as the trust root), leaves it signed (one current, one
 * expired), a rogue CA's leaf, served over https on 127.0.0.1 with the globalSetup's certificate.
 * `signed(body)` signs like Partner Center does: RSA-SHA256 over the exact bytes sent.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { sign, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

const DAY = 86_400_000;
const MS = [{ name: 'organizationName', value: 'Microsoft Corporation' }];

export interface Pair {
  cert: string;
  key: string;
}

async function makeCa(cn: string, now: Date): Promise<Pair> {
  const p = await generate([{ name: 'commonName', value: cn }, ...MS], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 400 * DAY),
    notAfterDate: new Date(now.getTime() + 3000 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: p.cert, key: p.private };
}

async function makeLeaf(ca: Pair, from: Date, to: Date): Promise<Pair> {
  const p = await generate([{ name: 'commonName', value: 'pcnotifications-dispatch.microsoft.com' }, ...MS], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: from,
    notAfterDate: to,
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
    ],
  });
  return { cert: p.cert, key: p.private };
}

const der = (pem: string) => new X509Certificate(pem).raw;

export async function startCertificateStorage(options: { now: Date }) {
  const { now } = options;
  const root = await makeCa('Test Root', now);
  const rogue = await makeCa('Rogue Root', now);
  const leaf = await makeLeaf(root, new Date(now.getTime() - 30 * DAY), new Date(now.getTime() + 300 * DAY));
  const expired = await makeLeaf(root, new Date(now.getTime() - 400 * DAY), new Date(now.getTime() - DAY));
  const rogueLeaf = await makeLeaf(rogue, new Date(now.getTime() - 30 * DAY), new Date(now.getTime() + 300 * DAY));
  const files: Record<string, Buffer> = {
    '/cert/pcnotifications.cer': der(leaf.cert),
    '/cert/expired.cer': der(expired.cert),
    '/cert/rogue.cer': der(rogueLeaf.cert),
  };
  const hits = new Map<string, number>();
  const server = createServer(
    { cert: readFileSync(process.env.FAKE_MICROSOFT_TLS_CERT!), key: readFileSync(process.env.FAKE_MICROSOFT_TLS_KEY!) },
    (req, res) => {
      const path = req.url ?? '/';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/cert/moved.cer') {
        res.writeHead(302, { location: 'https://example.invalid/cert/pcnotifications.cer' });
        return res.end();
      }
      const body = files[path];
      if (!body) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/pkix-cert' });
      res.end(body);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Headers Partner Center sends with `body`, signed with `key` (the current leaf's by default). */
  function signed(body: string | Buffer, signing: { key?: string; certPath?: string; certUrl?: string } = {}) {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const signature = sign('sha256', bytes, signing.key ?? leaf.key).toString('base64');
    return {
      bytes,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Signature ${signature}`,
        'x-ms-signature-algorithm': 'rsa-sha256',
        'x-ms-certificate-url': signing.certUrl ?? `https://${host}${signing.certPath ?? '/cert/pcnotifications.cer'}`,
      } as Record<string, string>,
    };
  }

  return {
    host,
    root,
    leaf,
    expired,
    rogueLeaf,
    hits,
    signed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
