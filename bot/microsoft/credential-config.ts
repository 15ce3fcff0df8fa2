/**
 * Which credential the app registration proves itself with to Microsoft login, read from the
 * variables loadConfig hands over: a client secret, a certificate (a PEM holding the private key
 * and the certificate), workload identity (a federated token file, as AKS projects it), or a
 * managed identity whose tokens the app registration trusts as a federated credential.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type GraphCredential =
  | { kind: 'secret'; secret: string }
  | {
      kind: 'certificate';
      path: string;
      /** SHA-256 and SHA-1 thumbprints (hex, upper case) as the Entra admin center shows them. */
      thumbprintSha256: string;
      thumbprint: string;
      /** The certificate's own validity: Entra refuses it once it has expired. */
      validTo: string;
    }
  | { kind: 'workload-identity'; tokenFile: string }
  | {
      kind: 'managed-identity';
      /** A user-assigned identity's client id; null for the system-assigned one. */
      clientId: string | null;
      /** App Service's local endpoint (IDENTITY_ENDPOINT) or the VM's instance metadata service. */
      endpoint: 'app-service' | 'imds';
    };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = ['MICROSOFT_CLIENT_SECRET', 'MICROSOFT_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'MICROSOFT_MANAGED_IDENTITY_CLIENT_ID'] as const;

/**
 * Exactly one kind may be set. Without any, the Teams bot's own password (MicrosoftAppPassword) is
 * the secret, as before; with one set, that password is only the bot's.
 */
export function readGraphCredential(
  get: (name: string) => string | undefined,
  botPassword: string | undefined,
  problems: string[],
): GraphCredential | null {
  const set = KINDS.filter((name) => get(name) !== undefined);
  if (set.length > 1) {
    problems.push(`Set one Graph credential, not several: ${set.join(' and ')} are all set.`);
    return null;
  }
  const secret = get('MICROSOFT_CLIENT_SECRET') ?? (set.length === 0 ? botPassword : undefined);
  if (secret) return { kind: 'secret', secret };
  const certificatePath = get('MICROSOFT_CLIENT_CERTIFICATE_PATH');
  if (certificatePath) return readCertificate(resolve(certificatePath), problems);
  const tokenFile = get('AZURE_FEDERATED_TOKEN_FILE');
  if (tokenFile) {
    const path = resolve(tokenFile);
    const problem = unreadable(path);
    if (problem) problems.push(`AZURE_FEDERATED_TOKEN_FILE names a file that cannot be read (${problem}): ${path}.`);
    return { kind: 'workload-identity', tokenFile: path };
  }
  const identity = get('MICROSOFT_MANAGED_IDENTITY_CLIENT_ID');
  if (identity) {
    if (identity !== 'system' && !GUID.test(identity)) {
      problems.push('MICROSOFT_MANAGED_IDENTITY_CLIENT_ID must be the client id (a GUID) of a user-assigned managed identity, or "system" for the system-assigned one.');
    }
    const endpoint = get('IDENTITY_ENDPOINT') && get('IDENTITY_HEADER') ? 'app-service' : 'imds';
    return { kind: 'managed-identity', clientId: identity === 'system' ? null : identity, endpoint };
  }
  problems.push(
    'DIRECTORY=microsoft needs a credential for the app registration: MICROSOFT_CLIENT_CERTIFICATE_PATH (a PEM with the private key and the certificate), AZURE_FEDERATED_TOKEN_FILE (workload identity), MICROSOFT_MANAGED_IDENTITY_CLIENT_ID, or MICROSOFT_CLIENT_SECRET (or MicrosoftAppPassword).',
  );
  return null;
}

function unreadable(path: string): string | null {
  try {
    readFileSync(path);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/** The PEM must hold an unencrypted private key and the certificate it belongs to. */
function readCertificate(path: string, problems: string[]): GraphCredential | null {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`MICROSOFT_CLIENT_CERTIFICATE_PATH names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${path}.`);
    return null;
  }
  const keyPem = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!keyPem) {
    problems.push(`MICROSOFT_CLIENT_CERTIFICATE_PATH must be a PEM file with the private key and the certificate; ${path} holds no private key.`);
    return null;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    problems.push(`The private key in ${path} (MICROSOFT_CLIENT_CERTIFICATE_PATH) cannot be read: it must be unencrypted PEM (openssl pkcs12 -nodes, or openssl pkey).`);
    return null;
  }
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  let certificate: X509Certificate;
  try {
    if (!certificatePem) throw new Error('none');
    certificate = new X509Certificate(certificatePem);
  } catch {
    problems.push(`MICROSOFT_CLIENT_CERTIFICATE_PATH must be a PEM file with the private key and the certificate; ${path} holds no readable certificate.`);
    return null;
  }
  if (!certificate.checkPrivateKey(key)) {
    problems.push(`The private key in ${path} (MICROSOFT_CLIENT_CERTIFICATE_PATH) does not belong to the certificate in the same file.`);
    return null;
  }
  return {
    kind: 'certificate',
    path,
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''),
    thumbprint: certificate.fingerprint.replace(/:/g, ''),
    validTo: new Date(certificate.validTo).toISOString(),
  };
}

/** The credential in words, for the doctor's table and the start-up log (never the secret). */
export function describeCredential(credential: GraphCredential): string {
  switch (credential.kind) {
    case 'secret':
      return 'client secret';
    case 'certificate':
      return `certificate ${credential.path} (SHA-256 thumbprint ${credential.thumbprintSha256}, SHA-1 ${credential.thumbprint}, valid until ${credential.validTo.slice(0, 10)})`;
    case 'workload-identity':
      return `workload identity (federated token file ${credential.tokenFile})`;
    case 'managed-identity':
      return `${credential.clientId ? `user-assigned managed identity ${credential.clientId}` : 'system-assigned managed identity'} as a federated credential, from ${credential.endpoint === 'app-service' ? "App Service's IDENTITY_ENDPOINT" : 'the instance metadata service'}`;
  }
}
