/**
 * The sandbox's in-process durable host (see ./README.md). Construct one from the registry:
 *
 *   import '../../functions/catalog';
 *   const host = new DurableHost({ functions: registeredFunctions(), deps: () => deps, clock });
 *   await host.client.startNew(reconcile.name, { instanceId, input });
 *   const status = await host.waitForCompletion(instanceId);   // or: await host.runUntilIdle();
 */
export { type CrashPlan, DurableHost, type DurableHostOptions, type RegisteredFunctions } from './host';
export {
  type DurableHostEvent,
  type DurableHostEventType,
  type DurableHostMetrics,
  type DurableObserver,
  type InstanceStatus,
} from './events';
export { type HostClock } from './timers';
export { type EntitySnapshot } from './entityRunner';
export { ClientError, SandboxDurableClient } from './client';
export { type WireEvent } from './wire';
export { HistoryEventType } from './lib';
export {
  appDurableTaskSettings,
  defaultDurableTaskSettings,
  type DurableTaskSettings,
  durableTaskSettingsFrom,
} from './hostJson';
export { type QueuePollingOptions } from './queues';
