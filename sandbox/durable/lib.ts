/**
 * The one place the host touches durable-functions internals (typed in ./durableFunctionsLib.d.ts).
 * Everything else in sandbox/durable imports from here, so an upgrade of durable-functions has one
 * file to re-check against lib/src.
 */
export {
  createEntityFunction,
  createOrchestrator,
  type OrchestratorFunction,
} from 'durable-functions/lib/src/util/testingUtils';
export { HistoryEventType } from 'durable-functions/lib/src/history/HistoryEventType';
export { ActionType } from 'durable-functions/lib/src/actions/ActionType';
export { ReplaySchema } from 'durable-functions/lib/src/orchestrations/ReplaySchema';
