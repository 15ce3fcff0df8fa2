/**
 * A stand-in for the Microsoft storage host that serves Partner Center's webhook signing
 * certificate: a test CA (to configure as the trust root), leaves it signed (one current, one
 * expired), a rogue CA's leaf, served over https on 127.0.0.1 with the globalSetup's certificate.
 * Beside those, the shapes a verifier must tell apart: a leaf issued by an intermediate CA (as
 * Microsoft's is), alone or served with its intermediate; a leaf under an expired intermediate;
 * a leaf under an expired root (`expiredRoot`, to add to the trust roots); an EC leaf under an EC
 * root (`ecRoot`); a certificate too large to be one; and a host answering 503.
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

interface Making {
  /** The CA that signs it; none: self-signed (a root). */
  issuer?: Pair;
  keyType?: 'rsa' | 'ec';
}

async function makeCa(cn: string, from: Date, to: Date, making: Making = {}): Promise<Pair> {
  const p = await generate([{ name: 'commonName', value: cn }, ...MS], {
    ...keyOptions(making),
    notBeforeDate: from,
    notAfterDate: to,
    ...(making.issuer ? { ca: { key: making.issuer.key, cert: making.issuer.cert } } : {}),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: p.cert, key: p.private };
}

const keyOptions = (making: Making) =>
  making.keyType === 'ec'
    ? { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256' }
    : { keySize: 2048, algorithm: 'sha256' };

async function makeLeaf(ca: Pair, from: Date, to: Date, making: Omit<Making, 'issuer'> = {}): Promise<Pair> {
  const p = await generate([{ name: 'commonName', value: 'pcnotifications-dispatch.microsoft.com' }, ...MS], {
    ...keyOptions(making),
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
const bundle = (...pems: string[]) => Buffer.from(pems.join('\n'));

/** Larger than the verifier takes for a certificate (64 KiB). */
export const OVERSIZED_CERTIFICATE_BYTES = 100 * 1024;

export async function startCertificateStorage(options: { now: Date }) {
  const { now } = options;
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const root = await makeCa('Test Root', at(-400), at(3000));
  const rogue = await makeCa('Rogue Root', at(-400), at(3000));
  const leaf = await makeLeaf(root, at(-30), at(300));
  const expired = await makeLeaf(root, at(-400), at(-1));
  const rogueLeaf = await makeLeaf(rogue, at(-30), at(300));
  // Microsoft's production shape: the signing leaf is issued by an intermediate CA under the root.
  const intermediate = await makeCa('Test Issuing CA', at(-300), at(1000), { issuer: root });
  const intermediateLeaf = await makeLeaf(intermediate, at(-30), at(300));
  const lapsedIntermediate = await makeCa('Lapsed Issuing CA', at(-800), at(-2), { issuer: root });
  const lapsedIntermediateLeaf = await makeLeaf(lapsedIntermediate, at(-30), at(300));
  const expiredRoot = await makeCa('Expired Root', at(-4000), at(-3));
  const expiredRootLeaf = await makeLeaf(expiredRoot, at(-30), at(300));
  const ecRoot = await makeCa('EC Root', at(-400), at(3000), { keyType: 'ec' });
  const ecLeaf = await makeLeaf(ecRoot, at(-30), at(300), { keyType: 'ec' });
  const files: Record<string, Buffer> = {
    '/cert/pcnotifications.cer': der(leaf.cert),
    '/cert/expired.cer': der(expired.cert),
    '/cert/rogue.cer': der(rogueLeaf.cert),
    '/cert/intermediate-leaf.cer': der(intermediateLeaf.cert),
    '/cert/intermediate-leaf.pem': bundle(intermediateLeaf.cert, intermediate.cert),
    '/cert/lapsed-intermediate.pem': bundle(lapsedIntermediateLeaf.cert, lapsedIntermediate.cert),
    '/cert/expired-root.cer': der(expiredRootLeaf.cert),
    '/cert/ec.cer': der(ecLeaf.cert),
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
      if (path === '/cert/down.cer') {
        res.writeHead(503, { 'retry-after': '30' });
        return res.end('Service Unavailable');
      }
      if (path === '/cert/oversized.cer' || path === '/cert/oversized-unsized.cer') {
        // A real certificate followed by padding: declared up front, or streamed without a length.
        const body = Buffer.concat([files['/cert/pcnotifications.cer']!, Buffer.alloc(OVERSIZED_CERTIFICATE_BYTES)]);
        if (path === '/cert/oversized.cer') {
          res.writeHead(200, { 'content-type': 'application/pkix-cert', 'content-length': body.length });
          return res.end(body);
        }
        res.writeHead(200, { 'content-type': 'application/pkix-cert' });
        for (let offset = 0; offset < body.length; offset += 8192) res.write(body.subarray(offset, offset + 8192));
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
    intermediate,
    intermediateLeaf,
    lapsedIntermediateLeaf,
    expiredRoot,
    expiredRootLeaf,
    ecRoot,
    ecLeaf,
    hits,
    signed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
