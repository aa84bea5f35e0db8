/**
 * One drift check of the whole fleet through the sandbox's durable host (the timer's and `fedlink sandbox
 * run`'s road, no events), run until the host is idle; its result, or an error naming how it ended.
 */
import { type RunMode, type RunResult } from '../../functions/contracts';
import { driftCheck } from '../../functions/orchestrations/drift';
import { type Sandbox } from '../../sandbox/runtime';

export async function completedDriftCheck(
  sandbox: Pick<Sandbox, 'host'>,
  instanceId: string,
  mode: RunMode = 'apply',
): Promise<RunResult> {
  await sandbox.host.client.startNew(driftCheck.name, { instanceId, input: { mode, trigger: 'cli' } });
  await sandbox.host.runUntilIdle();
  const status = await sandbox.host.client.getStatus(instanceId);
  if (status.runtimeStatus !== 'Completed')
    throw new Error(`${instanceId} ended ${String(status.runtimeStatus)}: ${JSON.stringify(status.output)}`);
  return status.output as RunResult;
}
