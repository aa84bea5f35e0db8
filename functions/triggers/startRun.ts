/**
 * Starting a per-resource run with the real `startNew` semantics (docs/azure-behaviour.md §7.2): the instance
 * id is fixed per resource, a Pending/Running instance with that id makes the start fail, and a
 * finished one is overwritten. So: try to start; if it is already running, raise `rerun` so the
 * running instance makes one more pass (an event during a run is never lost); if it finished in
 * between, start again. `raiseEvent` to an instance that has just finished does not fail (the
 * extension answers 410 and the JS client swallows it), so the status is read again after raising:
 * an instance that is no longer running may not have seen the event, and gets a fresh start (a
 * converged pass costs reads only). A failure here propagates so Event Grid redelivers the event.
 */
import { type DurableClientPort } from '../durableClientPort';
import { type Logger } from '../../shared/core/log';
import { RUNNING_STATES } from './durableErrors';

export type StartOutcome = 'started' | 'coalesced';

const RUNNING = RUNNING_STATES;
const ATTEMPTS = 3;

export async function startOrRerun(
  client: DurableClientPort,
  orchestration: string,
  instanceId: string,
  input: unknown,
  rerunEvent: string,
  log: Logger,
): Promise<StartOutcome> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await client.startNew(orchestration, { instanceId, input });
      return 'started';
    } catch (error) {
      lastError = error;
    }
    let runtimeStatus: string | undefined;
    try {
      runtimeStatus = String((await client.getStatus(instanceId)).runtimeStatus);
    } catch (error) {
      lastError = error;
      continue;
    }
    if (runtimeStatus !== undefined && RUNNING.has(runtimeStatus)) {
      try {
        await client.raiseEvent(instanceId, rerunEvent, { attempt });
        const after = String((await client.getStatus(instanceId)).runtimeStatus);
        if (RUNNING.has(after)) {
          log.debug('run already in progress; asked it for one more pass', { instanceId });
          return 'coalesced';
        }
      } catch (error) {
        lastError = error;
      }
      // It finished meanwhile, perhaps without seeing the event: start again.
    }
  }
  throw new Error(
    `could not start or signal ${instanceId}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}
