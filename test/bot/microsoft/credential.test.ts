/**
 * Graph credentials without a secret: a certificate (the stand-in checks the client assertion's
 * signature, thumbprint, audience, issuer and lifetime), workload identity (the federated token
 * file's token posted as the client assertion), and which one the configuration chooses. The
 * managed identity's token exchange is exercised by the doctor's child-process test (msal keeps
 * the managed identity source per process, from the environment of the process).
 */
import { createSign, constants, createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config.js';
import { createGraphClient } from '../../../bot/microsoft/graph-client.js';
import { GraphError } from '../../../bot/microsoft/graph.js';
import { renderText } from '../../../render/text/render-text.js';
import { tempDir } from '../../helpers.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { microsoftEnv, openApp } from './harness.js';

let fake: FakeMicrosoft;
let dir: string;
type Pems = { cert: string; private: string };
let good: Pems;
let other: Pems;

async function certificate(name: string): Promise<Pems> {
  const pems = await generate([{ name: 'commonName', value: name }], { keySize: 2048, algorithm: 'sha256' });
  return { cert: pems.cert, private: pems.private };
}

beforeAll(async () => {
  good = await certificate('csp-connect-graph');
  other = await certificate('someone-else');
});
beforeEach(async () => {
  fake = await startFakeMicrosoft();
  dir = tempDir();
});
afterEach(async () => {
  await fake.close();
});

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};

/** The configuration of the stand-in's app with `env` in place of the client secret. */
function configWith(env: Record<string, string>) {
  return loadConfig({ PORT: '3978', ...microsoftEnv(fake, { MICROSOFT_CLIENT_SECRET: '', ...env }) }).microsoft!;
}

function problems(env: Record<string, string>): string {
  try {
    configWith(env);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

async function rejection(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

/** A client assertion signed by hand with `pems`' key, for the checks msal never gets wrong. */
function assertion(pems: Pems, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const der = new X509Certificate(pems.cert).raw;
  const h = { alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url'), ...header };
  const body = `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createSign('sha256').update(body).sign({ key: pems.private, padding: constants.RSA_PKCS1_PADDING }).toString('base64url');
  return `${body}.${signature}`;
}

async function tokenRequest(jwt: string) {
  const response = await fetch(`${fake.loginUrl}/${fake.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: fake.clientId,
      scope: `${fake.graphUrl}/.default`,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    }),
  });
  return { status: response.status, body: (await response.json()) as { error?: string; error_codes?: number[]; access_token?: string } };
}

describe('choosing the Graph credential', () => {
  it('takes a certificate file holding the key and the certificate, and names its thumbprints', () => {
    const path = write('graph.pem', `${good.private}${good.cert}`);
    const credential = configWith({ MICROSOFT_CLIENT_CERTIFICATE_PATH: path }).credential;
    const sha256 = new X509Certificate(good.cert).fingerprint256.replace(/:/g, '');
    expect(credential).toMatchObject({ kind: 'certificate', path, thumbprintSha256: sha256 });
  });

  it.each([
    ['two kinds at once', () => ({ MICROSOFT_CLIENT_SECRET: 's3cret', MICROSOFT_CLIENT_CERTIFICATE_PATH: write('a.pem', good.private + good.cert) }), /Set one Graph credential, not several: MICROSOFT_CLIENT_SECRET and MICROSOFT_CLIENT_CERTIFICATE_PATH/],
    ['a file that is not there', () => ({ MICROSOFT_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem') }), /cannot be read \(ENOENT\)/],
    ['a certificate without its key', () => ({ MICROSOFT_CLIENT_CERTIFICATE_PATH: write('cert.pem', good.cert) }), /holds no private key/],
    ['a key without its certificate', () => ({ MICROSOFT_CLIENT_CERTIFICATE_PATH: write('key.pem', good.private) }), /holds no readable certificate/],
    ['a key of another certificate', () => ({ MICROSOFT_CLIENT_CERTIFICATE_PATH: write('mixed.pem', other.private + good.cert) }), /does not belong to the certificate/],
    ['an unreadable federated token file', () => ({ AZURE_FEDERATED_TOKEN_FILE: join(dir, 'no-token') }), /AZURE_FEDERATED_TOKEN_FILE names a file that cannot be read/],
    ['a managed identity that is not a client id', () => ({ MICROSOFT_MANAGED_IDENTITY_CLIENT_ID: 'my-identity' }), /MICROSOFT_MANAGED_IDENTITY_CLIENT_ID must be the client id/],
    ['no credential at all', () => ({}), /needs a credential for the app registration: MICROSOFT_CLIENT_CERTIFICATE_PATH/],
  ])('refuses %s in one sentence', (_what, env, expected) => {
    expect(problems(env())).toMatch(expected);
  });

  it('keeps the Teams bot password as the secret only when no other kind is set', () => {
    const path = write('graph.pem', good.private + good.cert);
    const env = { MicrosoftAppId: fake.clientId, MicrosoftAppPassword: 'bot-password', MicrosoftAppTenantId: fake.tenantId, MICROSOFT_CLIENT_ID: '', MICROSOFT_TENANT_ID: '' };
    expect(configWith(env).credential).toEqual({ kind: 'secret', secret: 'bot-password' });
    expect(configWith({ ...env, MICROSOFT_CLIENT_CERTIFICATE_PATH: path }).credential.kind).toBe('certificate');
  });

  it('names a user-assigned or the system-assigned managed identity, and where its tokens come from', () => {
    const id = '6d1a8b1e-3f0c-4a5e-9b7d-2c8e1f4a6b3d';
    expect(configWith({ MICROSOFT_MANAGED_IDENTITY_CLIENT_ID: id }).credential).toEqual({ kind: 'managed-identity', clientId: id, endpoint: 'imds' });
    expect(configWith({ MICROSOFT_MANAGED_IDENTITY_CLIENT_ID: 'system', IDENTITY_ENDPOINT: fake.identityEndpoint, IDENTITY_HEADER: 'h' }).credential).toEqual({
      kind: 'managed-identity',
      clientId: null,
      endpoint: 'app-service',
    });
  });
});

describe('a certificate', () => {
  it('gets a token with a signed client assertion, and Graph works', async () => {
    fake.addCertificate(good.cert);
    fake.addCustomer({ tenantId: '11111111-2222-3333-4444-555555555555', displayName: 'Contoso Ltd' });
    const config = configWith({ MICROSOFT_CLIENT_CERTIFICATE_PATH: write('graph.pem', good.private + good.cert) });
    const graph = createGraphClient(config);
    expect(await graph.listCustomers()).toEqual([{ tenantId: '11111111-2222-3333-4444-555555555555', displayName: 'Contoso Ltd' }]);
    expect(fake.assertionsSeen()).toEqual([{ kind: 'certificate', refused: null }]);
  });

  it('is refused when the app has another certificate, and status says so with the AADSTS code', async () => {
    fake.addCertificate(other.cert);
    const path = write('graph.pem', good.private + good.cert);
    const error = await rejection(createGraphClient(configWith({ MICROSOFT_CLIENT_CERTIFICATE_PATH: path })).listCustomers());
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    expect(error.message).toContain('AADSTS700027');

    const app = await openApp(fake, { now: () => new Date() }, { env: { MICROSOFT_CLIENT_SECRET: '', MICROSOFT_CLIENT_CERTIFICATE_PATH: path } });
    try {
      const views = await app.conversation.handleText(
        { actor: { platform: 'cli', userId: 'admin', displayName: 'Ada', locale: 'en' }, conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' } },
        'status',
      );
      const text = views.flatMap((v) => renderText(v).lines).join('\n');
      expect(text).toContain('invalid_client (401, AADSTS700027)');
    } finally {
      await app.store.close();
    }
  });

  it.each([
    ['an expired assertion', (now: number) => ({ exp: now - 600, nbf: now - 1200 }), 700024],
    ['another audience', (now: number) => ({ aud: 'https://login.microsoftonline.com/other/oauth2/v2.0/token', exp: now + 600 }), 50027],
    ['another issuer', (now: number) => ({ iss: 'someone-else', exp: now + 600 }), 50027],
  ])('refuses %s signed by the registered certificate', async (_what, claims, code) => {
    fake.addCertificate(good.cert);
    const now = Math.floor(Date.now() / 1000);
    const aud = `${fake.loginUrl}/${fake.tenantId}/oauth2/v2.0/token`;
    const refused = await tokenRequest(assertion(good, { aud, iss: fake.clientId, sub: fake.clientId, nbf: now, jti: 'x', ...claims(now) }));
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [code] } });
    const accepted = await tokenRequest(assertion(good, { aud, iss: fake.clientId, sub: fake.clientId, nbf: now, exp: now + 600, jti: 'y' }));
    expect(accepted.status).toBe(200);
  });

  it('refuses a signature that is not the registered key, and a tampered claim', async () => {
    fake.addCertificate(good.cert);
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: `${fake.loginUrl}/${fake.tenantId}/oauth2/v2.0/token`, iss: fake.clientId, sub: fake.clientId, nbf: now, exp: now + 600 };
    const goodThumbprint = createHash('sha1').update(new X509Certificate(good.cert).raw).digest('base64url');
    // Signed by another key under the registered certificate's thumbprint.
    const forged = await tokenRequest(assertion(other, claims, { x5t: goodThumbprint }));
    expect(forged.body.error_codes).toEqual([700027]);
    const [h, , s] = assertion(good, claims).split('.');
    const tampered = await tokenRequest(`${h}.${Buffer.from(JSON.stringify({ ...claims, exp: now + 99_999 })).toString('base64url')}.${s}`);
    expect(tampered.body.error_codes).toEqual([700027]);
  });
});

describe('workload identity', () => {
  it("posts the federated token file's token as the client assertion, and Graph works", async () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ iss: 'https://oidc.aks.example/', sub: 'system:serviceaccount:csp:bot', aud: 'api://AzureADTokenExchange' })).toString('base64url')}.c2lnbmF0dXJl`;
    fake.trustFederatedToken(token);
    fake.addCustomer({ tenantId: '11111111-2222-3333-4444-555555555555', displayName: 'Contoso Ltd' });
    const tokenFile = write('azure-identity-token', token);
    // As AKS's webhook sets them: the app and tenant come from AZURE_CLIENT_ID and AZURE_TENANT_ID.
    const config = configWith({ AZURE_FEDERATED_TOKEN_FILE: tokenFile, AZURE_CLIENT_ID: fake.clientId, AZURE_TENANT_ID: fake.tenantId, MICROSOFT_CLIENT_ID: '', MICROSOFT_TENANT_ID: '' });
    expect(config).toMatchObject({ clientId: fake.clientId, tenantId: fake.tenantId, credential: { kind: 'workload-identity', tokenFile } });
    expect(await createGraphClient(config).listCustomers()).toHaveLength(1);
    expect(fake.assertionsSeen()).toEqual([{ kind: 'federated', refused: null }]);
  });

  it('is refused with AADSTS70021 when the file holds a token the app does not trust', async () => {
    fake.trustFederatedToken('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0cnVzdGVkIn0.c2ln');
    const tokenFile = write('azure-identity-token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lLWVsc2UifQ.c2ln');
    const error = await rejection(createGraphClient(configWith({ AZURE_FEDERATED_TOKEN_FILE: tokenFile })).listCustomers());
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('AADSTS70021');
  });
});
