/**
 * Timer trigger logic: start the fleet-wide drift check unless one is still running. Any other
 * failure to start fails the invocation (the host logs and counts it) instead of passing as a skipped tick.
 */
import { type Logger } from '../../shared/core/log';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { type FedlinkConfig } from '../../shared/config/schema';
import { type DurableClientPort } from '../durableClientPort';
import { driftCheck, type DriftInput } from '../orchestrations/drift';
import { whyStartFailed } from './durableErrors';

export async function startDriftCheck(
  client: DurableClientPort,
  config: FedlinkConfig,
  log: Logger,
): Promise<'started' | 'already-running'> {
  const input: DriftInput = { mode: config.drift.mode === 'repair' ? 'apply' : 'plan', trigger: 'timer' };
  try {
    await client.startNew(driftCheck.name, { instanceId: DRIFT_INSTANCE_ID, input });
    log.info('drift check started', { instanceId: DRIFT_INSTANCE_ID, mode: input.mode });
    return 'started';
  } catch (error) {
    const why = await whyStartFailed(client, DRIFT_INSTANCE_ID, error);
    if (why.kind === 'running') {
      log.warn('drift check still running; this tick is skipped', {
        instanceId: DRIFT_INSTANCE_ID,
        runtimeStatus: why.runtimeStatus,
      });
      return 'already-running';
    }
    // Not "still running": the host must record this tick as failed, with the cause.
    log.error('drift check not started', { instanceId: DRIFT_INSTANCE_ID, reason: why.message });
    throw new Error(`drift check not started: ${why.message}`);
  }
}
