/**
 * Builds the @azure/arm-* clients from a credential and an endpoint, so the same code targets Azure
 * (https://management.azure.com) or the sandbox emulator (https://127.0.0.1:<port>).
 *
 * The emulator serves HTTPS because core-rest-pipeline's bearer-token policy refuses non-TLS URLs
 * ("Bearer token authentication is not permitted for non-TLS protected (non-https) URLs"). Its
 * self-signed CA is trusted per client through an https.Agent set by a per-call policy, never by
 * turning off verification process-wide.
 *
 * Every client asks for a token for ARM's own audience (ARM_SCOPE), whatever the endpoint: the older
 * AutoRest clients (arm-msi, arm-resources, arm-resources-subscriptions, arm-resourcegraph) would otherwise
 * ask for `<endpoint>/.default`, a token ARM refuses with 401 `InvalidAuthenticationTokenAudience` (the
 * emulator does too, docs/azure-behaviour.md §6.2). For the public endpoint this is the SDKs' own default;
 * a sovereign cloud's ARM wants its own audience (`credentialScope`).
 */
import { Agent } from 'node:https';
import { type TokenCredential } from '@azure/core-auth';
import { type HttpClient, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';

export const AZURE_PUBLIC_ENDPOINT = 'https://management.azure.com';
/** The token scope for ARM (its audience `https://management.azure.com/`). */
export const ARM_SCOPE = 'https://management.azure.com/.default';

export interface ArmConnection {
  readonly credential: TokenCredential;
  /** ARM endpoint; defaults to the public cloud. */
  readonly endpoint?: string;
  /** PEM of an extra CA to trust (the sandbox emulator's); undefined for Azure. */
  readonly caPem?: string;
  /** Token scope; default ARM_SCOPE (public cloud and the sandbox). */
  readonly credentialScope?: string;
  /** SDK retry count (core-rest-pipeline default: 3). */
  readonly maxRetries?: number;
  /** A transport to use instead of the default one (unit tests: the real clients over a fake ARM). */
  readonly httpClient?: HttpClient;
}

export interface SubscriptionClients {
  readonly containerService: ContainerServiceClient;
  readonly msi: ManagedServiceIdentityClient;
  readonly network: NetworkManagementClient;
  readonly privateDns: PrivateDnsManagementClient;
  readonly resources: ResourceManagementClient;
}

export interface ArmClients {
  readonly endpoint: string;
  forSubscription(subscriptionId: string): SubscriptionClients;
  readonly resourceGraph: ResourceGraphClient;
  readonly subscriptions: SubscriptionClient;
}

/** Trust `caPem` (the sandbox emulator's loopback CA) for every request of a pipeline. */
export function trustPolicy(caPem: string): PipelinePolicy {
  const agent = new Agent({ ca: caPem, keepAlive: true, maxSockets: 64 });
  return {
    name: 'fedlinkTrustSandboxCa',
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
}

/** Creates clients lazily, one set per subscription, all sharing one pipeline configuration. */
export function createArmClients(connection: ArmConnection): ArmClients {
  const endpoint = connection.endpoint ?? AZURE_PUBLIC_ENDPOINT;
  const common = {
    endpoint,
    // AutoRest clients read credentialScopes, TypeSpec ones credentials.scopes (both default as described above).
    credentialScopes: [connection.credentialScope ?? ARM_SCOPE],
    credentials: { scopes: [connection.credentialScope ?? ARM_SCOPE] },
    additionalPolicies: connection.caPem
      ? [{ policy: trustPolicy(connection.caPem), position: 'perCall' as const }]
      : [],
    ...(connection.maxRetries !== undefined ? { retryOptions: { maxRetries: connection.maxRetries } } : {}),
    ...(connection.httpClient ? { httpClient: connection.httpClient } : {}),
  };
  const cache = new Map<string, SubscriptionClients>();
  const { credential } = connection;
  return {
    endpoint,
    forSubscription(subscriptionId) {
      const key = subscriptionId.toLowerCase();
      let clients = cache.get(key);
      if (!clients) {
        clients = {
          containerService: new ContainerServiceClient(credential, subscriptionId, common),
          msi: new ManagedServiceIdentityClient(credential, subscriptionId, common),
          network: new NetworkManagementClient(credential, subscriptionId, common),
          privateDns: new PrivateDnsManagementClient(credential, subscriptionId, common),
          resources: new ResourceManagementClient(credential, subscriptionId, common),
        };
        cache.set(key, clients);
      }
      return clients;
    },
    resourceGraph: new ResourceGraphClient(credential, common),
    subscriptions: new SubscriptionClient(credential, common),
  };
}
