/**
 * The @azure/identity credential for the configured kind. A managed identity is used the way
 * Microsoft documents for an app registration that trusts one ("configure an application to trust
 * a managed identity"): the identity's token for api://AzureADTokenExchange is the client
 * assertion of the app registration, so the Graph token, its permissions and its tenant stay the
 * app registration's, wherever the identity itself lives.
 */
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import type { GraphCredential } from './credential-config.js';

export { describeCredential, type GraphCredential } from './credential-config.js';

/** The audience of a managed identity's token used as a federated credential (public cloud). */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

export function createTokenCredential(
  credential: GraphCredential,
  app: { tenantId: string; clientId: string; loginUrl: string },
  extra: Pick<TokenCredentialOptions, 'additionalPolicies'> = {},
): TokenCredential {
  const options = { ...extra, authorityHost: app.loginUrl, disableInstanceDiscovery: true };
  switch (credential.kind) {
    case 'secret':
      return new ClientSecretCredential(app.tenantId, app.clientId, credential.secret, options);
    case 'certificate':
      return new ClientCertificateCredential(app.tenantId, app.clientId, { certificatePath: credential.path }, options);
    case 'workload-identity':
      return new WorkloadIdentityCredential({ ...options, tenantId: app.tenantId, clientId: app.clientId, tokenFilePath: credential.tokenFile });
    case 'managed-identity': {
      const identity = credential.clientId ? new ManagedIdentityCredential({ clientId: credential.clientId }) : new ManagedIdentityCredential();
      return new ClientAssertionCredential(
        app.tenantId,
        app.clientId,
        async () => {
          const token = await identity.getToken(TOKEN_EXCHANGE_SCOPE);
          if (!token?.token) throw new Error('the managed identity returned no token');
          return token.token;
        },
        options,
      );
    }
  }
}
