/** Timer trigger logic: start the fleet-wide drift check unless one is still running. */
import { type Logger } from '../../shared/core/log';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { type FedlinkConfig } from '../../shared/config/schema';
import { type DurableClientPort } from '../durableClientPort';
import { driftCheck, type DriftInput } from '../orchestrations/drift';

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
  } catch {
    log.warn('drift check still running; this tick is skipped', { instanceId: DRIFT_INSTANCE_ID });
    return 'already-running';
  }
}
