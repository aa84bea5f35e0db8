/**
 * Every ARM port over one set of real @azure/arm-* clients (./clients.ts): the inventory
 * (./armInventory.ts) and each capability's own port (./armFederatedCredentials.ts). The same code
 * talks to Azure and to the sandbox emulator; only the endpoint and the credential differ.
 *
 * - Every SDK model is mapped to a core type by one mapper per resource type (./mappers); SDK types
 *   do not leave this folder.
 * - Reads return undefined on 404 (the resource does not exist); every other failure is thrown as an
 *   `ArmError` classified by ./errors.ts.
 * - No retry loop here: the SDK pipeline retries 429-with-Retry-After, 408, 5xx and socket errors
 *   (docs/azure-behaviour.md §6.5); 409 concurrency is retried by the orchestration layer with durable timers,
 *   where waiting costs nothing and survives restarts.
 */
import { type Clock, systemClock } from '../core/clock';
import { type Logger, silentLogger } from '../core/log';
import { createArmFederatedCredentials } from './armFederatedCredentials';
import { createArmInventory } from './armInventory';
import { createArmPrivateDns } from './armPrivateDns';
import { createArmPrivateLink } from './armPrivateLink';
import { type ArmClients } from './clients';
import { type AzureGateway } from './gateway';

export interface ArmGatewayOptions {
  /** Used to wait out Resource Graph's per-user quota; the sandbox passes its virtual clock. */
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Rows per Resource Graph page (default and maximum 1,000). */
  readonly argPageSize?: number;
  /** Subscriptions per Resource Graph query (default 250; must stay below 300, docs/azure-behaviour.md §6.4). */
  readonly argSubscriptionsPerQuery?: number;
}

export function createArmGateway(clients: ArmClients, options: ArmGatewayOptions = {}): AzureGateway {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  return {
    ...createArmInventory(clients, {
      clock,
      log,
      ...(options.argPageSize !== undefined ? { argPageSize: options.argPageSize } : {}),
      ...(options.argSubscriptionsPerQuery !== undefined
        ? { argSubscriptionsPerQuery: options.argSubscriptionsPerQuery }
        : {}),
    }),
    ...createArmFederatedCredentials(clients, { clock }),
    ...createArmPrivateDns(clients, {
      clock,
      arg: {
        clock,
        log,
        ...(options.argPageSize !== undefined ? { pageSize: options.argPageSize } : {}),
        ...(options.argSubscriptionsPerQuery !== undefined
          ? { subscriptionsPerQuery: options.argSubscriptionsPerQuery }
          : {}),
      },
    }),
    ...createArmPrivateLink(clients, {
      clock,
      resourceGraph: {
        clock,
        log,
        ...(options.argPageSize !== undefined ? { pageSize: options.argPageSize } : {}),
        ...(options.argSubscriptionsPerQuery !== undefined
          ? { subscriptionsPerQuery: options.argSubscriptionsPerQuery }
          : {}),
      },
    }),
  };
}
