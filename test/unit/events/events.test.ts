/**
 * parseEventGridPayload + keysForEvent over the verbatim published events in
 * `test/fixtures/azure/eventgrid` (never edited) and AKS / identity / FIC variants derived from them here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  EventPayloadError,
  keysForEvent,
  MAX_EVENTS_PER_DELIVERY,
  MAX_PAYLOAD_BYTES,
  parseEventGridPayload,
  type EventKey,
} from '../../../shared/events';
import { clone, FIXTURES as ALL_FIXTURES, obj, type JsonObject } from '../azure/json';

const FIXTURES = resolve(ALL_FIXTURES, 'eventgrid');
const text = (name: string) => readFileSync(resolve(FIXTURES, name), 'utf8');
/** The events of a fixture (each published file is an array of events). */
const json = (name: string): JsonObject[] => (JSON.parse(text(name)) as unknown[]).map((e) => obj(e));

const SUB = '5b0f8b5d-2c0e-4d8a-9f1e-0a1b2c3d4e5f';
const OTHER_SUB = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CLUSTER = `/subscriptions/${SUB}/resourcegroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const IDENTITY = `/subscriptions/${SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments`;
const FIC = `${IDENTITY}/federatedIdentityCredentials/fedlink-payments-1a2b3c`;

/** The published write/delete sample, re-pointed at `resourceId` the way a real ARM event for it would read. */
function armEvent(fixtureName: string, resourceId: string, verb: 'write' | 'delete'): JsonObject {
  const event = clone(json(fixtureName)[0]!);
  // [namespace, type, name, childType, childName, ...] → e.g. Microsoft.ManagedIdentity/userAssignedIdentities
  const [provider, ...rest] = resourceId.split('/providers/')[1]!.split('/');
  const resourceType = [provider, ...rest.filter((_, i) => i % 2 === 0)].join('/');
  const action = `${resourceType}/${verb}`;
  event['subject'] = resourceId;
  if ('topic' in event) event['topic'] = `/subscriptions/${SUB}`;
  if ('source' in event) event['source'] = `/subscriptions/${SUB}`;
  const data = obj(event, 'data');
  data['resourceUri'] = resourceId;
  data['resourceProvider'] = provider;
  data['operationName'] = action;
  data['subscriptionId'] = SUB;
  obj(data, 'authorization')['scope'] = resourceId;
  obj(data, 'authorization')['action'] = action;
  return event;
}

/** `data` of an event, to edit. */
const data = (event: JsonObject): JsonObject => obj(event, 'data');

async function keysOf(body: unknown): Promise<EventKey[]> {
  return (await parseEventGridPayload(body)).map(keysForEvent);
}

async function keyOf(body: unknown): Promise<EventKey> {
  const keys = await keysOf(body);
  expect(keys).toHaveLength(1);
  return keys[0]!;
}

describe('the verbatim published fixtures', () => {
  it('covers every fixture file', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([
      'resource-delete-success.eventgrid-schema.json',
      'resource-write-failure.eventgrid-schema.json',
      'resource-write-success.cloudevents-schema.json',
      'resource-write-success.eventgrid-schema.json',
      'subscription-validation-event.eventgrid-schema.json',
      'subscription-validation-response.json',
    ]);
  });

  it.each([
    ['resource-write-success.eventgrid-schema.json', 'EventGridSchema'],
    ['resource-delete-success.eventgrid-schema.json', 'EventGridSchema'],
    ['resource-write-failure.eventgrid-schema.json', 'EventGridSchema'],
    ['resource-write-success.cloudevents-schema.json', 'CloudEventSchemaV1_0'],
    ['subscription-validation-event.eventgrid-schema.json', 'EventGridSchema'],
  ])('%s parses as %s (text, parsed and bytes alike)', async (name, schema) => {
    for (const body of [text(name), json(name), Buffer.from(text(name))]) {
      const events = await parseEventGridPayload(body);
      expect(events.map((e) => e.schema)).toEqual([schema]);
    }
  });

  it('ignores the storage account samples: not a cluster or identity (their {subscription-id} placeholder is not an id either)', async () => {
    for (const name of [
      'resource-write-success.eventgrid-schema.json',
      'resource-delete-success.eventgrid-schema.json',
      'resource-write-success.cloudevents-schema.json',
    ]) {
      const key = await keyOf(text(name));
      expect(key.kind).toBe('ignore');
      expect(key).toMatchObject({ eventId: json(name)[0]!['id'] });
    }
  });

  it('ignores a write failure', async () => {
    expect(await keyOf(text('resource-write-failure.eventgrid-schema.json'))).toMatchObject({
      kind: 'ignore',
      reason: 'event type "Microsoft.Resources.ResourceWriteFailure" is not handled',
    });
  });

  it('returns the validation code of the subscription validation event', async () => {
    const expected = JSON.parse(text('subscription-validation-response.json')) as {
      validationResponse: string;
    };
    const key = await keyOf(text('subscription-validation-event.eventgrid-schema.json'));
    expect(key).toMatchObject({
      kind: 'validation',
      code: expected.validationResponse,
      eventId: '2d1781af-3a4c-4d7c-bd0c-e34b19da4e66',
    });
    expect(key.kind === 'validation' && key.validationUrl).toMatch(
      /^https:\/\/rp-eastus2\.eventgrid\.azure\.net/,
    );
  });

  it('marks the validation *response* as not an event', async () => {
    const [event] = await parseEventGridPayload(text('subscription-validation-response.json'));
    expect(event?.schema).toBe('invalid');
    expect(keysForEvent(event!)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringContaining('neither the Event Grid schema') as string,
    });
  });
});

const PRIVATE_ENDPOINT =
  '/subscriptions/5b0f8b5d-2c0e-4d8a-9f1e-0a1b2c3d4e5f/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-kv';

describe('AKS and identity events derived from the fixtures', () => {
  it.each([
    ['cluster write', 'resource-write-success.eventgrid-schema.json', CLUSTER, 'write', 'cluster', CLUSTER],
    [
      'cluster delete',
      'resource-delete-success.eventgrid-schema.json',
      CLUSTER,
      'delete',
      'cluster',
      CLUSTER,
    ],
    [
      'identity write',
      'resource-write-success.eventgrid-schema.json',
      IDENTITY,
      'write',
      'identity',
      IDENTITY,
    ],
    [
      'identity delete',
      'resource-delete-success.eventgrid-schema.json',
      IDENTITY,
      'delete',
      'identity',
      IDENTITY,
    ],
    [
      'cluster write (CloudEvents)',
      'resource-write-success.cloudevents-schema.json',
      CLUSTER,
      'write',
      'cluster',
      CLUSTER,
    ],
    [
      'identity write (CloudEvents)',
      'resource-write-success.cloudevents-schema.json',
      IDENTITY,
      'write',
      'identity',
      IDENTITY,
    ],
    [
      'private endpoint write (the DNS capability wires its zone group)',
      'resource-write-success.eventgrid-schema.json',
      PRIVATE_ENDPOINT,
      'write',
      'privateEndpoint',
      PRIVATE_ENDPOINT,
    ],
  ] as const)('%s', async (_name, fixtureName, resourceId, verb, target, expectedId) => {
    const event = armEvent(fixtureName, resourceId, verb);
    const key = await keyOf([event]);
    expect(key).toEqual({
      kind: 'reconcile',
      target,
      resourceId: expectedId,
      resourceKey: expectedId.toLowerCase(),
      change: verb,
      eventId: event['id'],
      eventType: event['eventType'] ?? event['type'],
    });
  });

  it.each([
    ['write', 'resource-write-success.eventgrid-schema.json'],
    ['delete', 'resource-delete-success.eventgrid-schema.json'],
  ] as const)('a FIC %s re-checks its identity (a write of the identity)', async (verb, fixtureName) => {
    const key = await keyOf([armEvent(fixtureName, FIC, verb)]);
    expect(key).toMatchObject({
      kind: 'reconcile',
      target: 'identity',
      resourceId: IDENTITY,
      resourceKey: IDENTITY.toLowerCase(),
      change: 'write',
      child: { resourceId: FIC, change: verb },
    });
  });

  it('gives one key for both casings of resourceGroups, provider and type (docs/azure-behaviour.md §3.1)', async () => {
    const lower = armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write');
    const upper = armEvent(
      'resource-write-success.eventgrid-schema.json',
      CLUSTER.replace('resourcegroups', 'resourceGroups').replace(
        'Microsoft.ContainerService/managedClusters',
        'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS',
      ),
      'write',
    );
    data(upper)['resourceUri'] = CLUSTER; // resourceUri in the other casing: still the same resource
    const [a, b] = await keysOf([lower, upper]);
    expect(a).toMatchObject({
      kind: 'reconcile',
      target: 'cluster',
      resourceId: lower['subject'],
      resourceKey: CLUSTER.toLowerCase(),
    });
    expect(b).toMatchObject({
      kind: 'reconcile',
      target: 'cluster',
      resourceId: upper['subject'],
      resourceKey: CLUSTER.toLowerCase(),
    });
  });

  it('derives variants the way ARM writes them', () => {
    expect(data(armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write'))).toMatchObject({
      resourceProvider: 'Microsoft.ContainerService',
      operationName: 'Microsoft.ContainerService/managedClusters/write',
      authorization: { scope: CLUSTER, action: 'Microsoft.ContainerService/managedClusters/write' },
    });
    expect(
      data(armEvent('resource-delete-success.eventgrid-schema.json', FIC, 'delete'))['operationName'],
    ).toBe('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete');
  });

  it('keeps the subject as sent (original) next to its normalized key', async () => {
    const key = await keyOf([armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write')]);
    expect(key).toMatchObject({ resourceId: CLUSTER, resourceKey: CLUSTER.toLowerCase() });
  });

  it('reads a batch (one bad event does not hide the others)', async () => {
    const good = armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write');
    const keys = await keysOf([
      good,
      { hello: 'world' },
      42,
      armEvent('resource-delete-success.eventgrid-schema.json', IDENTITY, 'delete'),
    ]);
    expect(keys.map((k) => k.kind)).toEqual(['reconcile', 'ignore', 'ignore', 'reconcile']);
  });

  it('tolerates authorization, claims and httpRequest as strings (docs/azure-behaviour.md §3.2) and without them', async () => {
    const stringly = armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write');
    const d = data(stringly);
    d['authorization'] = JSON.stringify(d['authorization']);
    d['claims'] = JSON.stringify(d['claims']);
    d['httpRequest'] = '{"method":"PUT"}';
    const bare = armEvent('resource-write-success.eventgrid-schema.json', IDENTITY, 'write');
    delete data(bare)['authorization'];
    delete data(bare)['claims'];
    delete data(bare)['httpRequest'];
    expect((await keysOf([stringly, bare])).map((k) => k.kind)).toEqual(['reconcile', 'reconcile']);
  });

  it('accepts an event without data.resourceUri on the strength of its subject', async () => {
    const event = armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write');
    delete data(event)['resourceUri'];
    expect(await keyOf(event)).toMatchObject({ kind: 'reconcile', resourceId: CLUSTER });
  });
});

describe('CloudEvents and the Functions trigger', () => {
  it('reads a single CloudEvent object and an array of them', async () => {
    const event = armEvent('resource-write-success.cloudevents-schema.json', CLUSTER, 'write');
    expect(await keyOf(event)).toMatchObject({
      kind: 'reconcile',
      target: 'cluster',
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    });
    expect(await keyOf(JSON.stringify(event))).toMatchObject({ kind: 'reconcile' });
    expect(
      (
        await keysOf([event, armEvent('resource-write-success.cloudevents-schema.json', IDENTITY, 'write')])
      ).map((k) => k.kind),
    ).toEqual(['reconcile', 'reconcile']);
  });

  it('reads what app.eventGrid hands over: one Event Grid event, already parsed', async () => {
    const event = armEvent('resource-delete-success.eventgrid-schema.json', CLUSTER, 'delete');
    expect(await keyOf(event)).toMatchObject({ kind: 'reconcile', change: 'delete' });
  });

  it('reads a CloudEvent handed over under the EventGridEvent type (docs/azure-behaviour.md §3.8)', async () => {
    // The trigger's typed input is EventGridEvent; a CloudEvents subscription still delivers CloudEvent fields.
    const cloudEvent: { topic?: string; subject?: string; eventType?: string } & Record<string, unknown> =
      armEvent('resource-write-success.cloudevents-schema.json', IDENTITY, 'write');
    expect(await keyOf(cloudEvent)).toMatchObject({ kind: 'reconcile', target: 'identity' });
  });

  it('mixes schemas in one delivery, detected per event', async () => {
    const keys = await keysOf([
      armEvent('resource-write-success.cloudevents-schema.json', CLUSTER, 'write'),
      armEvent('resource-write-success.eventgrid-schema.json', IDENTITY, 'write'),
    ]);
    expect(keys.map((k) => (k.kind === 'reconcile' ? k.target : k.kind))).toEqual(['cluster', 'identity']);
  });

  it('rejects a CloudEvent without specversion or with another version, with the reason', async () => {
    const noVersion = armEvent('resource-write-success.cloudevents-schema.json', CLUSTER, 'write');
    delete noVersion['specversion'];
    const v03 = {
      ...armEvent('resource-write-success.cloudevents-schema.json', CLUSTER, 'write'),
      specversion: '0.3',
    };
    const [a, b] = await keysOf([noVersion, v03]);
    expect(a).toMatchObject({
      kind: 'ignore',
      reason: expect.stringContaining("missing required property 'specversion'") as string,
    });
    expect(b).toMatchObject({
      kind: 'ignore',
      reason: expect.stringContaining('not in the Cloud Event 1.0 schema') as string,
    });
  });
});

describe('spoofed, malformed and oversized input', () => {
  const base = () => armEvent('resource-write-success.eventgrid-schema.json', CLUSTER, 'write');

  it.each([
    [
      'resourceUri names another cluster',
      (e: JsonObject) => (data(e)['resourceUri'] = CLUSTER.replace('aks-prod', 'aks-other')),
      'does not match subject',
    ],
    [
      'resourceUri is not a string',
      (e: JsonObject) => (data(e)['resourceUri'] = { id: CLUSTER }),
      'does not match subject',
    ],
    [
      'topic is another subscription',
      (e: JsonObject) => (e['topic'] = `/subscriptions/${OTHER_SUB}`),
      'came from',
    ],
    [
      'subject is a storage account',
      (e: JsonObject) =>
        (e['subject'] = data(e)['resourceUri'] =
          `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`),
      'not a managed cluster',
    ],
    [
      'subject is an agent pool',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = `${CLUSTER}/agentPools/np1`),
      'not a managed cluster',
    ],
    [
      'subject is a resource group',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = `/subscriptions/${SUB}/resourceGroups/rg`),
      'not a managed cluster',
    ],
    [
      'subject is not an id',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = 'managedClusters/aks-prod'),
      'subject is not an ARM resource id',
    ],
    [
      'subject has a path trick',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = `${CLUSTER}/../../x/y`),
      'subject is',
    ],
    [
      'subject has a ".." resource group',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = CLUSTER.replace('/rg-aks/', '/../')),
      'subject is not an ARM resource id (resource group ".." is a "." or ".." path segment)',
    ],
    [
      'subject has a percent-encoded "." name',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = CLUSTER.replace(/aks-prod$/, '%2E')),
      'subject is not an ARM resource id (resource name "%2E" is a "." or ".." path segment)',
    ],
    [
      'resourceUri has a ".." segment where the subject is clean',
      (e: JsonObject) => (data(e)['resourceUri'] = CLUSTER.replace(/aks-prod$/, '..')),
      'does not match subject',
    ],
    [
      'subject is huge',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = `${CLUSTER}${'x'.repeat(5000)}`),
      'longer than',
    ],
    ['subject is empty', (e: JsonObject) => (e['subject'] = ''), 'no subject'],
    [
      'subject has a trailing slash',
      (e: JsonObject) => (e['subject'] = data(e)['resourceUri'] = `${CLUSTER}/`),
      'empty segment',
    ],
    [
      'event type is an action',
      (e: JsonObject) => (e['eventType'] = 'Microsoft.Resources.ResourceActionSuccess'),
      'is not handled',
    ],
    [
      'event type is mis-cased',
      (e: JsonObject) => (e['eventType'] = 'microsoft.resources.resourcewritesuccess'),
      'is not handled',
    ],
  ])('%s → ignored with a reason', async (_name, mutate, reason) => {
    const event = base();
    mutate(event);
    const key = await keyOf([event]);
    expect(key.kind).toBe('ignore');
    expect(key.kind === 'ignore' && key.reason).toContain(reason);
  });

  it.each([
    ['no eventType', (e: JsonObject) => delete e['eventType']],
    ['no id', (e: JsonObject) => delete e['id']],
    ['no data', (e: JsonObject) => delete e['data']],
    ['metadataVersion 2', (e: JsonObject) => (e['metadataVersion'] = '2')],
    ['subject a number', (e: JsonObject) => (e['subject'] = 12)],
  ])('an envelope with %s is invalid (the deserializer says why), never thrown', async (_name, mutate) => {
    const event = base();
    mutate(event);
    const [parsed] = await parseEventGridPayload([event]);
    expect(parsed?.schema).toBe('invalid');
    expect(keysForEvent(parsed!)).toMatchObject({ kind: 'ignore' });
  });

  it('ignores a validation event without a usable code', async () => {
    const event = clone(json('subscription-validation-event.eventgrid-schema.json')[0]!);
    data(event)['validationCode'] = 'x'.repeat(1000);
    expect(await keyOf([event])).toMatchObject({ kind: 'ignore' });
  });

  it.each([
    ['not JSON', '{"eventType":'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0xfd])],
    ['undefined', undefined],
  ])('throws EventPayloadError for a delivery that is %s', async (_name, body) => {
    await expect(parseEventGridPayload(body)).rejects.toBeInstanceOf(EventPayloadError);
  });

  it('throws for an oversized delivery, as text and as an object', async () => {
    const big = base();
    data(big)['padding'] = 'x'.repeat(MAX_PAYLOAD_BYTES);
    await expect(parseEventGridPayload(JSON.stringify([big]))).rejects.toThrow(/exceeds/);
    await expect(parseEventGridPayload([big])).rejects.toThrow(/exceeds/);
  });

  it('throws for more events than one delivery can hold', async () => {
    const tiny = { id: '1' };
    await expect(
      parseEventGridPayload(Array.from({ length: MAX_EVENTS_PER_DELIVERY + 1 }, () => tiny)),
    ).rejects.toThrow(/events exceeds/);
  });

  it('accepts an empty array as no events', async () => {
    await expect(parseEventGridPayload('[]')).resolves.toEqual([]);
  });

  it('throws for a circular object', async () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    await expect(parseEventGridPayload(circular)).rejects.toBeInstanceOf(EventPayloadError);
  });
});
