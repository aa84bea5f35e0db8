/** One readable line per durable step, for the demo's live progress (custom-status noise left out). */
import { type DurableHostEvent } from '../durable';

const STEPS: Record<string, string> = {
  scopeWork: 'observe: re-read the cluster, Resource Graph, bindings',
  syncWork: 'sync: list FICs, plan, write, read back, validate',
};

export function progressLine(event: DurableHostEvent): string | undefined {
  const who = event.instanceId.split(':').slice(0, 3).join(':');
  switch (event.type) {
    case 'instanceStarted':
      return `start   ${event.name} ${who}`;
    case 'activityStarted':
      return `  ...   ${STEPS[event.name] ?? event.name}`;
    case 'activityCompleted':
      return `  done  ${event.name}${event.ok ? '' : ` FAILED: ${event.error ?? ''}`}`;
    case 'entityOperation':
      return event.name.toLowerCase() === 'identitylock'
        ? `  lock  ${event.operation} ${event.instanceId.split('@').pop()?.split(':')[0] ?? ''}`
        : undefined;
    case 'timerCreated':
      return `  wait  durable timer until ${event.fireAt}`;
    case 'instanceContinuedAsNew':
      return `  again ${event.name} (continueAsNew)`;
    case 'instanceCompleted':
      return `end     ${event.name} ${event.runtimeStatus}`;
    case 'instanceStuck':
      return `STUCK   ${event.name} ${who}: made no progress (${event.reason})`;
    case 'timerFired':
    case 'customStatus':
    case 'instanceCrashed':
    case 'instanceResumed':
      return undefined;
  }
}
