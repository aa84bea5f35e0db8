/**
 * The host's DurableClientPort against durable-functions' DurableClient semantics (docs/azure-behaviour.md §7.2),
 * and the compile-time proof that the real `df.DurableClient` fits the port.
 */
import { HttpRequest } from '@azure/functions';
import type * as df from 'durable-functions';
import { DurableClient } from 'durable-functions/lib/src/durableClient/DurableClient';
import { type DurableClientPort } from '../../functions/durableClientPort';
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { HistoryEventType } from '../../sandbox/durable';
import { eventTypes, testHost } from './helpers';

// Compile-time: the real client is assignable to the port (tsc fails here if the port drifts).
type Fits<T extends DurableClientPort> = T;
export type RealClientFitsThePort = Fits<df.DurableClient>;

const identity = defineActivity<string, string>('clIdentity', (s) => Promise.resolve(s));
const quick = defineOrchestration<string, string>('clQuick', function* (context, s) {
  return yield* identity.call(context, s);
});
const waits = defineOrchestration<null, unknown>('clWaits', function* (context) {
  return yield context.df.waitForExternalEvent('go');
});
const throws = defineOrchestration<null, never>('clThrows', function* (context) {
  yield* identity.call(context, 'x');
  throw new Error('orchestrator bug');
});

/** The client binding data the extension hands to a JS durable client (management URL templates). */
function realClient(): DurableClientPort {
  const base = 'http://localhost:7071/runtime/webhooks/durabletask/instances/INSTANCEID';
  const q = 'taskHub=DurableFunctionsHub&connection=Storage';
  return new DurableClient({
    taskHubName: 'DurableFunctionsHub',
    creationUrls: {
      createNewInstancePostUri:
        'http://localhost:7071/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?' + q,
      createAndWaitOnNewInstancePostUri:
        'http://localhost:7071/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&' +
        q,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${base}?${q}`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?${q}`,
      terminatePostUri: `${base}/terminate?reason={text}&${q}`,
      rewindPostUri: `${base}/rewind?reason={text}&${q}`,
      purgeHistoryDeleteUri: `${base}?${q}`,
      suspendPostUri: `${base}/suspend?reason={text}&${q}`,
      resumePostUri: `${base}/resume?reason={text}&${q}`,
    },
    baseUrl: 'http://localhost:7071/runtime/webhooks/durabletask',
    requiredQueryStringParameters: q,
  });
}

describe('startNew', () => {
  test('a Pending or Running instance id is refused; a Completed or Failed one is overwritten', async () => {
    const { host } = testHost();
    const id = await host.client.startNew(quick.name, { instanceId: 'fixed', input: 'first' });
    expect(id).toBe('fixed');
    // Pending: created, first episode not run yet.
    expect((await host.client.getStatus('fixed')).runtimeStatus).toBe('Pending');
    await expect(host.client.startNew(quick.name, { instanceId: 'fixed', input: 'again' })).rejects.toThrow(
      'The operation failed with an unexpected status code: 409. Details: {"Message":"An Orchestration instance with the status Pending already exists."}',
    );
    const first = await host.waitForCompletion('fixed');
    expect(first.output).toBe('first');

    await host.client.startNew(quick.name, { instanceId: 'fixed', input: 'second' });
    const second = await host.waitForCompletion('fixed');
    expect(second.output).toBe('second');
    expect(second.executionId).not.toBe(first.executionId);
    expect(eventTypes(host.history('fixed')).filter((t) => t === 'ExecutionStarted')).toHaveLength(1);

    await host.client.startNew(waits.name, { instanceId: 'running' });
    await host.runUntilIdle();
    expect((await host.client.getStatus('running')).runtimeStatus).toBe('Running');
    await expect(host.client.startNew(quick.name, { instanceId: 'running' })).rejects.toThrow(
      /status Running already exists/,
    );

    await host.client.startNew(throws.name, { instanceId: 'failed' });
    expect((await host.waitForCompletion('failed')).runtimeStatus).toBe('Failed');
    await host.client.startNew(quick.name, { instanceId: 'failed', input: 'recovered' });
    expect((await host.waitForCompletion('failed')).output).toBe('recovered');
    await host.close();
  });

  test('random ids, and ids Azure Storage cannot hold or unknown orchestrators are refused', async () => {
    const { host } = testHost();
    expect(await host.client.startNew(quick.name, { input: 'x' })).toMatch(/^[0-9a-f]{32}$/);
    await expect(host.client.startNew(quick.name, { instanceId: 'sub/rg' })).rejects.toThrow(
      /status code: 400.*not allow/,
    );
    await expect(host.client.startNew(quick.name, { instanceId: '@entity@key' })).rejects.toThrow(
      /must not start with @/,
    );
    await expect(host.client.startNew('noSuchOrchestrator')).rejects.toThrow(/doesn't exist/);
    await host.runUntilIdle();
    await host.close();
  });
});

describe('status, terminate, purge', () => {
  test('getStatus rejects for an unknown id (HTTP 404), never resolves to undefined', async () => {
    const { host } = testHost();
    await expect(host.client.getStatus('missing')).rejects.toThrow(
      'DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided: missing.',
    );
    await host.close();
  });

  test('a failed instance reports the failure as its output; input and times are set', async () => {
    const { host, clock } = testHost();
    await host.client.startNew(throws.name, { instanceId: 'bug' });
    const status = await host.waitForCompletion('bug');
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toBe("Orchestrator function 'clThrows' failed: orchestrator bug");
    expect(status.input).toBeNull();
    expect(status.lastUpdatedTime.getTime()).toBeGreaterThanOrEqual(status.createdTime.getTime());
    expect(status.lastUpdatedTime.getTime()).toBeLessThanOrEqual(clock.now() + 1);
    await host.close();
  });

  test('terminate stops a running instance; finished or unknown ones behave like the real client', async () => {
    const { host } = testHost();
    await host.client.startNew(waits.name, { instanceId: 'term' });
    await host.runUntilIdle();
    await host.client.terminate('term', 'operator said so');
    const status = await host.waitForCompletion('term');
    expect(status.runtimeStatus).toBe('Terminated');
    expect(status.output).toBe('operator said so');
    expect(host.history('term').some((e) => e.EventType === HistoryEventType.ExecutionTerminated)).toBe(true);
    await expect(host.client.terminate('term', 'again')).resolves.toBeUndefined();
    await expect(host.client.terminate('nobody', 'x')).rejects.toThrow("No instance with ID 'nobody' found.");
    expect(await host.client.purgeInstanceHistory('term')).toEqual({ instancesDeleted: 1 });
    await expect(host.client.getStatus('term')).rejects.toThrow(/404/);
    await host.close();
  });
});

describe('createCheckStatusResponse', () => {
  test('matches the real DurableClient: 202, Location, Retry-After: 10, management URLs on the request origin', async () => {
    const { host } = testHost();
    const request = new HttpRequest({ method: 'POST', url: 'https://fedlink.example.net/api/runs' });
    const ours = host.client.createCheckStatusResponse(request, 'fedlink:cluster:aks-1:abc');
    const theirs = realClient().createCheckStatusResponse(request, 'fedlink:cluster:aks-1:abc');
    expect(ours.status).toBe(202);
    expect(ours.status).toBe(theirs.status);
    expect(Object.fromEntries(ours.headers.entries())).toEqual(Object.fromEntries(theirs.headers.entries()));
    const body = (await ours.json()) as Record<string, string>;
    expect(body).toEqual(await theirs.json());
    expect(ours.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(ours.headers.get('retry-after')).toBe('10');
    expect(body.statusQueryGetUri).toBe(
      'https://fedlink.example.net/runtime/webhooks/durabletask/instances/fedlink:cluster:aks-1:abc?taskHub=DurableFunctionsHub&connection=Storage',
    );
    expect(host.client.createHttpManagementPayload('x')).toEqual(
      realClient().createHttpManagementPayload('x'),
    );
    await host.close();
  });
});
