/**
 * A throwaway certificate for the Microsoft login and Graph stand-in (test/fakes/microsoft.ts).
 * MSAL refuses an http authority, so the stand-in serves https on 127.0.0.1 with this
 * self-signed certificate, and every test process trusts it through NODE_EXTRA_CA_CERTS.
 *
 * Node reads NODE_EXTRA_CA_CERTS once, when a process starts: this runs in vitest's main
 * process before the forked workers start, so the workers (and the bot processes they spawn)
 * inherit the variable and trust the certificate from their first line.
 *
 * Sets:
 * - NODE_EXTRA_CA_CERTS: a bundle of the certificate (plus any bundle already named there);
 * - FAKE_MICROSOFT_TLS_CERT and FAKE_MICROSOFT_TLS_KEY: the certificate and its private key, for the stand-in.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

const DAY = 86_400_000;

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-microsoft-tls-'));
  // The certificate's validity is checked by OpenSSL against the real clock, which the
  // workers' shifted Date does not touch; a wide window keeps it valid either way.
  const realNow = performance.timeOrigin + performance.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(realNow - DAY),
    notAfterDate: new Date(realNow + 3 * 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const bundlePath = join(dir, 'ca-bundle.pem');
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const inherited = previous && existsSync(previous) ? `${readFileSync(previous, 'utf8').trimEnd()}\n` : '';
  writeFileSync(bundlePath, inherited + pems.cert);

  process.env.NODE_EXTRA_CA_CERTS = bundlePath;
  process.env.FAKE_MICROSOFT_TLS_CERT = certPath;
  process.env.FAKE_MICROSOFT_TLS_KEY = keyPath;

  return () => {
    if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
