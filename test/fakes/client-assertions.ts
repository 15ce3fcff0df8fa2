/**
 * What Entra checks in a client assertion (learn.microsoft.com/entra/identity-platform/certificate-credentials),
 * for the Microsoft stand-in: a JWT signed RS256 or PS256 by a certificate registered on the app,
 * found by its `x5t` (SHA-1) or `x5t#S256` (SHA-256) thumbprint, with `aud` the token endpoint,
 * `iss` and `sub` the client id, and `exp`/`nbf` around now (five minutes of skew, as Entra allows).
 * A JWT without a thumbprint is a federated credential: accepted only when it is a token the test
 * trusts, or one the managed identity endpoint below issued for api://AzureADTokenExchange to an
 * identity the app trusts. Refusals carry Entra's codes (AADSTS700027, 700024, 50027, 70021).
 */
import { constants, createHash, randomBytes, randomUUID, verify, X509Certificate, type KeyObject } from 'node:crypto';

export interface Refusal {
  status: number;
  error: string;
  aadsts: number;
  description: string;
}

const SKEW_S = 300;
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function createAssertionChecker(options: { clientId: string; now: () => number; fakeNow?: () => number }) {
  const { clientId } = options;
  const fakeNow = options.fakeNow ?? options.now;
  const certificates: Array<{ sha1: string; sha256: string; key: KeyObject }> = [];
  const federated = new Set<string>();
  const identities = new Set<string>();
  const issued = new Map<string, { identity: string; audience: string; exp: number }>();
  const identityHeader = randomBytes(16).toString('hex');
  const seen: Array<{ kind: 'certificate' | 'federated'; refused: string | null }> = [];

  const refuse = (aadsts: number, description: string, status = 401, error = 'invalid_client'): Refusal => ({ status, error, aadsts, description });

  function checkCertificate(header: Record<string, unknown>, claims: Record<string, unknown>, signed: string, signature: string, endpoint: string) {
    const alg = header.alg;
    if (alg !== 'RS256' && alg !== 'PS256') return refuse(700027, `Client assertion failed signature validation. [Reason - The algorithm '${String(alg)}' is not supported.]`);
    const s256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : null;
    const s1 = typeof header.x5t === 'string' ? header.x5t : null;
    const found = certificates.find((c) => (s256 !== null ? c.sha256 === s256 : c.sha1 === s1));
    if (!found) {
      const used = Buffer.from(String(s256 ?? s1), 'base64url').toString('hex').toUpperCase();
      return refuse(
        700027,
        `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${used}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
      );
    }
    const key = alg === 'PS256' ? { key: found.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : found.key;
    if (!verify('sha256', Buffer.from(signed), key, Buffer.from(signature, 'base64url'))) {
      return refuse(700027, 'Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]');
    }
    if (claims.aud !== endpoint) return refuse(50027, `JWT token is invalid or malformed. [Reason - The audience '${String(claims.aud)}' is not the token endpoint ${endpoint}.]`);
    if (claims.iss !== clientId || claims.sub !== clientId) return refuse(50027, `JWT token is invalid or malformed. [Reason - iss and sub must both be the client id '${clientId}'.]`);
    const nowS = Math.floor(options.now() / 1000);
    const exp = Number(claims.exp);
    const nbf = claims.nbf === undefined ? -Infinity : Number(claims.nbf);
    if (!Number.isFinite(exp) || exp + SKEW_S <= nowS || nbf - SKEW_S > nowS) {
      return refuse(
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date(nowS * 1000).toISOString()}, assertion valid from ${Number.isFinite(nbf) ? new Date(nbf * 1000).toISOString() : '?'}, expiry time of assertion ${Number.isFinite(exp) ? new Date(exp * 1000).toISOString() : '?'}.`,
      );
    }
    return null;
  }

  function checkFederated(jwt: string, claims: Record<string, unknown>): Refusal | null {
    if (federated.has(jwt)) return null;
    const token = issued.get(jwt);
    if (token && identities.has(token.identity) && token.audience === 'api://AzureADTokenExchange' && token.exp > fakeNow() / 1000) return null;
    return refuse(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(claims.iss)}'. Assertion Subject: '${String(claims.sub)}'. Assertion Audience: '${String(claims.aud)}'.`,
      400,
      'invalid_request',
    );
  }

  return {
    identityHeader,
    seen: () => [...seen],
    /** Null when Entra would accept `jwt` as this app's client assertion at `endpoint`; its refusal otherwise. */
    check(jwt: string, endpoint: string): Refusal | null {
      const [h, p, signature] = jwt.split('.');
      const header = decode(h);
      const claims = decode(p);
      if (!header || !claims || signature === undefined) {
        seen.push({ kind: 'federated', refused: 'AADSTS50027' });
        return refuse(50027, 'JWT token is invalid or malformed.', 400, 'invalid_request');
      }
      const kind = 'x5t' in header || 'x5t#S256' in header ? 'certificate' : 'federated';
      const refused = kind === 'certificate' ? checkCertificate(header, claims, `${h}.${p}`, signature, endpoint) : checkFederated(jwt, claims);
      seen.push({ kind, refused: refused ? `AADSTS${refused.aadsts}` : null });
      return refused;
    },
    addCertificate(pem: string) {
      const certificate = new X509Certificate(pem);
      const der = certificate.raw;
      certificates.push({
        sha1: createHash('sha1').update(der).digest('base64url'),
        sha256: createHash('sha256').update(der).digest('base64url'),
        key: certificate.publicKey,
      });
    },
    trustFederatedToken(token: string) {
      federated.add(token);
    },
    addManagedIdentity(identity: string) {
      identities.add(identity);
    },
    /** App Service's managed identity endpoint, 2019-08-01: `GET ?api-version&resource[&client_id]` with X-IDENTITY-HEADER. */
    managedIdentityToken(method: string, url: URL, header: string | string[] | undefined): { status: number; body: unknown } {
      if (method !== 'GET') return { status: 405, body: { statusCode: 405, message: 'Method not allowed' } };
      if (header !== identityHeader) return { status: 401, body: { statusCode: 401, message: 'Unauthorized: the X-IDENTITY-HEADER is missing or wrong.' } };
      if (url.searchParams.get('api-version') !== '2019-08-01')
        return { status: 400, body: { statusCode: 400, message: `Unsupported api-version ${url.searchParams.get('api-version')}.` } };
      const resource = url.searchParams.get('resource');
      if (!resource) return { status: 400, body: { statusCode: 400, message: 'The resource parameter is required.' } };
      const identity = url.searchParams.get('client_id') ?? 'system';
      if (!identities.has(identity)) return { status: 400, body: { statusCode: 400, message: `No managed identity found for client id '${identity}'.` } };
      const iat = Math.floor(fakeNow() / 1000);
      const exp = iat + 3600;
      const token = [
        b64url({ typ: 'JWT', alg: 'RS256', kid: 'fake-managed-identity' }),
        b64url({ aud: resource, iss: 'https://login.microsoftonline.com/managed-identity-tenant/v2.0', sub: randomUUID(), iat, nbf: iat, exp }),
        randomBytes(64).toString('base64url'),
      ].join('.');
      issued.set(token, { identity, audience: resource, exp });
      return {
        status: 200,
        body: { access_token: token, expires_on: String(exp), resource, token_type: 'Bearer', client_id: identity === 'system' ? randomUUID() : identity },
      };
    },
  };
}
