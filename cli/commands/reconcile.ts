/**
 * `fedlink plan|apply (--cluster ID | --identity ID | --all)`: the same orchestrations the Function
 * App runs, driven in-process by the durable host, against Azure (DefaultAzureCredential) or, with
 * `--sandbox estate.json`, against the embedded emulator. `plan` makes no write.
 */
import { existsSync } from 'node:fs';
import { DefaultAzureCredential } from '@azure/identity';
import '../../functions/catalog';
import { type ReconcileInput, type RunMode, type RunResult } from '../../functions/contracts';
import { registeredFunctions } from '../../functions/registry';
import { driftCheck, type DriftInput } from '../../functions/orchestrations/drift';
import { reconcile } from '../../functions/orchestrations/reconcile';
import { createArmGateway } from '../../shared/azure/armGateway';
import { targetFor } from '../../shared/reconcile/target';
import { createArmClients } from '../../shared/azure/clients';
import { pacedGateway } from '../../shared/azure/paced';
import { loadConfig } from '../../shared/config/load';
import { configSchema, type FedlinkConfig } from '../../shared/config/schema';
import { systemClock } from '../../shared/core/clock';
import { instanceIdFor } from '../../shared/core/instanceIds';
import { resourceIdProblem, TYPES } from '../../shared/core/resourceId';
import { type Logger } from '../../shared/core/log';
import { DurableHost } from '../../sandbox/durable';
import { loadEstate } from '../../sandbox/estate';
import { InputError } from '../../sandbox/inputError';
import { createSandbox } from '../../sandbox/runtime';

export interface ReconcileCommand {
  readonly mode: RunMode;
  readonly cluster?: string;
  readonly identity?: string;
  readonly all?: boolean;
  readonly configPath?: string;
  readonly sandboxEstate?: string;
  readonly log: Logger;
}

function configFrom(path: string | undefined): FedlinkConfig {
  const chosen = path ?? (existsSync('fedlink.yaml') ? 'fedlink.yaml' : undefined);
  try {
    return chosen ? loadConfig(chosen) : configSchema.parse({});
  } catch (error) {
    throw new InputError(error instanceof Error ? error.message : String(error));
  }
}

export async function runReconcile(command: ReconcileCommand): Promise<RunResult> {
  const targets = [command.cluster, command.identity, command.all ? 'all' : undefined].filter(
    (t) => t !== undefined,
  );
  if (targets.length !== 1)
    throw new InputError('give exactly one of --cluster <id>, --identity <id> or --all', { showUsage: true });
  const { cluster, identity } = command;
  const clusterProblem = cluster !== undefined ? resourceIdProblem(cluster, TYPES.managedCluster) : undefined;
  if (clusterProblem !== undefined) {
    throw new InputError(
      `--cluster: not a managed cluster resource id (${clusterProblem}): ${String(cluster)}`,
    );
  }
  const identityProblem =
    identity !== undefined ? resourceIdProblem(identity, TYPES.userAssignedIdentity) : undefined;
  if (identityProblem !== undefined) {
    throw new InputError(
      `--identity: not a user-assigned identity resource id (${identityProblem}): ${String(identity)}`,
    );
  }
  const config = configFrom(command.configPath);
  const { log, mode } = command;

  let host: DurableHost;
  let close: () => Promise<void>;
  if (command.sandboxEstate !== undefined) {
    let estate;
    try {
      estate = loadEstate(command.sandboxEstate);
    } catch (error) {
      throw new InputError(error instanceof Error ? error.message : String(error));
    }
    const sandbox = await createSandbox({ estate, config, log });
    host = sandbox.host;
    close = () => sandbox.close();
  } else {
    const azure = pacedGateway(
      createArmGateway(createArmClients({ credential: new DefaultAzureCredential() }), {
        clock: systemClock,
      }),
      systemClock,
    );
    const deps = { azure, config, clock: systemClock, log };
    host = new DurableHost({ functions: registeredFunctions(), deps: () => deps, clock: systemClock, log });
    close = () => host.close();
  }
  try {
    let instanceId: string;
    if (command.all) {
      instanceId = 'fedlink:cli:fleet';
      const input: DriftInput = { mode, trigger: 'cli' };
      await host.client.startNew(driftCheck.name, { instanceId, input });
    } else {
      const [kind, id] =
        command.cluster !== undefined
          ? (['cluster', command.cluster] as const)
          : (['identity', command.identity ?? ''] as const);
      instanceId = instanceIdFor(kind, id);
      const input: ReconcileInput = { target: targetFor(kind, id), change: 'write', mode, trigger: 'cli' };
      await host.client.startNew(reconcile.name, { instanceId, input });
    }
    await host.runUntilIdle();
    const status = await host.client.getStatus(instanceId);
    if (status.runtimeStatus !== 'Completed') {
      throw new Error(
        `run ${instanceId} ended ${String(status.runtimeStatus)}: ${JSON.stringify(status.output)}`,
      );
    }
    return status.output as RunResult;
  } finally {
    await close();
  }
}
