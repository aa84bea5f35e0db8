/**
 * `fedlink plan|apply (--cluster ID | --identity ID | --all)`: where the run happens (`chooseRuntime`):
 * - `--app URL`: in the deployed Function App, through its HTTP API (./remote.ts), so the run takes
 *   the app's locks;
 * - `--sandbox estate.json`: the same orchestrations driven in-process against the embedded emulator;
 * - otherwise in-process against Azure (DefaultAzureCredential). `plan` makes no write, so it may;
 *   `apply` must not bypass the app's locks and is refused unless `--local` says so (with a warning).
 */
import { existsSync } from 'node:fs';
import { DefaultAzureCredential } from '@azure/identity';
import '../../functions/catalog';
import { type ReconcileInput, type RunMode, type RunResult } from '../../functions/contracts';
import { registeredFunctions } from '../../functions/registry';
import { driftCheck, type DriftInput } from '../../functions/orchestrations/drift';
import { reconcile } from '../../functions/orchestrations/reconcile';
import { targetFor } from '../../shared/reconcile/target';
import { createArmClients } from '../../shared/azure/clients';
import { createPacedArmGateway } from '../../shared/azure/paced';
import { loadConfig } from '../../shared/config/load';
import { configSchema, type FedlinkConfig } from '../../shared/config/schema';
import { systemClock } from '../../shared/core/clock';
import { instanceIdFor } from '../../shared/core/instanceIds';
import { resourceIdProblem, TYPES } from '../../shared/core/resourceId';
import { type Logger } from '../../shared/core/log';
import { createMemoryWorkStore } from '../../shared/workStore/memory';
import { DurableHost, type DurableObserver } from '../../sandbox/durable';
import { loadEstate } from '../../sandbox/estate';
import { InputError } from '../../sandbox/inputError';
import { createSandbox } from '../../sandbox/runtime';

import { runRemote } from './remote';

export interface ReconcileCommand {
  readonly mode: RunMode;
  readonly cluster?: string;
  readonly identity?: string;
  readonly all?: boolean;
  readonly configPath?: string;
  readonly sandboxEstate?: string;
  /** The Function App's base URL: run there, through its HTTP API. */
  readonly app?: string;
  /** The app's function key (`--key`, else FEDLINK_FUNCTION_KEY). */
  readonly key?: string;
  /** Allow an in-process apply against Azure (it does not take the app's locks). */
  readonly local?: boolean;
  /** `--app`: give up waiting after this many seconds. */
  readonly timeoutSeconds?: number;
  readonly log: Logger;
  /** Where warnings go (stderr). */
  readonly warn?: (message: string) => void;
  /** Sees every event of the in-process durable host (sandbox and in-process runs): progress. */
  readonly observer?: DurableObserver;
  /** Sees each polled status of a run in the app (`--app`): progress. */
  readonly onStatus?: (customStatus: unknown, runtimeStatus: string) => void;
}

export type Runtime =
  | { readonly kind: 'app'; readonly app: string; readonly key: string }
  | { readonly kind: 'sandbox'; readonly estate: string }
  | { readonly kind: 'azure'; readonly warning?: string };

export const LOCAL_APPLY_REFUSED =
  'apply against Azure goes through the Function App (--app URL), whose locks serialize it with every event-driven run; --local applies in-process without those locks';

export const LOCAL_APPLY_WARNING =
  "warning: --local: this apply runs its own durable host against Azure; its writes do not take the Function App's locks and may race runs the app makes at the same time";

/** Where a plan/apply runs; throws InputError (exit 2) for a combination that is not allowed. */
export function chooseRuntime(
  command: Pick<ReconcileCommand, 'mode' | 'sandboxEstate' | 'app' | 'key' | 'local'>,
): Runtime {
  const { mode, sandboxEstate, app, key, local } = command;
  if (app !== undefined) {
    if (sandboxEstate !== undefined || local)
      throw new InputError('--app cannot be combined with --sandbox or --local');
    if (key === undefined || key === '')
      throw new InputError(
        '--app needs the function key: --key KEY or the environment variable FEDLINK_FUNCTION_KEY',
      );
    return { kind: 'app', app, key };
  }
  if (sandboxEstate !== undefined) {
    if (local) throw new InputError('--local cannot be combined with --sandbox');
    return { kind: 'sandbox', estate: sandboxEstate };
  }
  if (mode === 'apply' && !local) throw new InputError(LOCAL_APPLY_REFUSED);
  return mode === 'apply' ? { kind: 'azure', warning: LOCAL_APPLY_WARNING } : { kind: 'azure' };
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
  const runtime = chooseRuntime(command);
  const { log, mode } = command;
  if (runtime.kind === 'app') {
    return runRemote({
      app: runtime.app,
      key: runtime.key,
      mode,
      target:
        cluster !== undefined
          ? { clusterId: cluster }
          : identity !== undefined
            ? { identityId: identity }
            : { all: true },
      log,
      ...(command.timeoutSeconds !== undefined ? { timeoutSeconds: command.timeoutSeconds } : {}),
      ...(command.onStatus ? { onStatus: command.onStatus } : {}),
    });
  }
  // The app reads its own config; locally it is read here.
  const config = configFrom(command.configPath);
  if (runtime.kind === 'azure' && runtime.warning) (command.warn ?? (() => undefined))(runtime.warning);

  let host: DurableHost;
  let close: () => Promise<void>;
  if (runtime.kind === 'sandbox') {
    let estate;
    try {
      estate = loadEstate(runtime.estate);
    } catch (error) {
      throw new InputError(error instanceof Error ? error.message : String(error));
    }
    const sandbox = await createSandbox({
      estate,
      config,
      log,
      ...(command.observer ? { observer: command.observer } : {}),
    });
    host = sandbox.host;
    close = () => sandbox.close();
  } else {
    const azure = createPacedArmGateway(createArmClients({ credential: new DefaultAzureCredential() }), {
      clock: systemClock,
      log,
    });
    // One local process runs every activity: the fleet check's work documents stay in its memory.
    const deps = { azure, config, clock: systemClock, log, work: createMemoryWorkStore() };
    host = new DurableHost({
      functions: registeredFunctions(),
      deps: () => deps,
      clock: systemClock,
      log,
      ...(command.observer ? { observer: command.observer } : {}),
    });
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
