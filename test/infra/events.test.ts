/**
 * The Event Grid wiring in the COMMITTED infra/main.json matches what the code handles: the filter is
 * built from shared/events' tables, and every filtered-in operation is one that keysForEvent
 * reconciles (checked by running real events through the parser and keysForEvent).
 */
import { EVENT_GRID_FUNCTION_NAME } from '../../functions/triggers/eventGrid';
import {
  HANDLED_EVENT_TYPES,
  HANDLED_OPERATION_NAMES,
  HANDLED_RESOURCE_TYPES,
  keysForEvent,
  parseEventGridPayload,
} from '../../shared/events';
import { at, loadMainTemplate, moduleParameter, onlyResource, resolve, str } from './template';

const main = loadMainTemplate();
const SUB = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';

function subscriptionResource() {
  return onlyResource(main, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
}

function filterOf(): Parameters<typeof at>[0] {
  return at(subscriptionResource().body, 'properties', 'filter');
}

/** An ARM event as Event Grid delivers it (docs/azure-behaviour.md §3.3), for one operation name. */
function armEvent(operationName: string, eventType: string): object {
  const [provider, ...rest] = operationName.split('/');
  const verb = rest.pop()!;
  // <provider>/<type>[/<child type>] → /providers/<provider>/<type>/<name>[/<child type>/<name>]
  const segments = rest.flatMap((type, i) => [type, `res${i}`]).join('/');
  const resourceUri = `/subscriptions/${SUB}/resourceGroups/rg/providers/${provider}/${segments}`;
  return {
    id: `evt-${operationName}`,
    eventType,
    subject: resourceUri,
    eventTime: '2026-11-01T00:00:00Z',
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${SUB}`,
    data: { operationName, resourceUri, status: 'Succeeded', subscriptionId: SUB, verb },
  };
}

describe('the Event Grid subscription (infra/main.json)', () => {
  it('includes exactly the event types keysForEvent handles', () => {
    const included = resolve(subscriptionResource().template, at(filterOf(), 'includedEventTypes'));
    expect(included).toEqual(HANDLED_EVENT_TYPES.map((e) => e.eventType));
  });

  it('filters data.operationName to exactly the handled resource types and verbs', () => {
    const filters = at(filterOf(), 'advancedFilters');
    expect(Array.isArray(filters) && filters.length === 1).toBe(true);
    const only = (filters as Parameters<typeof at>[0][])[0];
    expect(at(only, 'operatorType')).toBe('StringIn');
    expect(at(only, 'key')).toBe('data.operationName');
    const values = resolve(subscriptionResource().template, at(only, 'values'));
    expect(values).toEqual([...HANDLED_OPERATION_NAMES]);
    for (const { resourceType } of HANDLED_RESOURCE_TYPES)
      for (const { change } of HANDLED_EVENT_TYPES) expect(values).toContain(`${resourceType}/${change}`);
  });

  it('lets through only events keysForEvent reconciles, and every one it reconciles', async () => {
    for (const operationName of HANDLED_OPERATION_NAMES) {
      const verb = operationName.split('/').pop();
      const eventType = HANDLED_EVENT_TYPES.find((e) => e.change === verb)!.eventType;
      const [delivered] = await parseEventGridPayload([armEvent(operationName, eventType)]);
      expect(keysForEvent(delivered!)).toMatchObject({ kind: 'reconcile' });
    }
    // What the filter keeps out is what the handler ignores: a child of a cluster, another verb.
    for (const outside of [
      'Microsoft.ContainerService/managedClusters/agentPools/write',
      'Microsoft.Network/privateDnsZones/write',
    ]) {
      expect(HANDLED_OPERATION_NAMES).not.toContain(outside);
      const [delivered] = await parseEventGridPayload([
        armEvent(outside, 'Microsoft.Resources.ResourceWriteSuccess'),
      ]);
      expect(keysForEvent(delivered!)).toMatchObject({ kind: 'ignore' });
    }
  });

  it("delivers to the app's Event Grid function as an AzureFunction endpoint", () => {
    const sub = subscriptionResource();
    expect(at(sub.body, 'properties', 'destination', 'endpointType')).toBe('AzureFunction');
    const resourceId = str(at(sub.body, 'properties', 'destination', 'properties', 'resourceId'));
    expect(resourceId).toBe(
      "[resourceId(parameters('appSubscriptionId'), parameters('appResourceGroupName'), 'Microsoft.Web/sites/functions', parameters('siteName'), variables('events').functionName)]",
    );
    expect(resolve(sub.template, "[variables('events').functionName]")).toBe(EVENT_GRID_FUNCTION_NAME);
    // The site the module points at is the site the app module creates.
    const site = onlyResource(main, 'Microsoft.Web/sites');
    expect(moduleParameter(sub.template, 'siteName')).toBe("[variables('siteName')]");
    expect(moduleParameter(site.template, 'siteName')).toBe("[variables('siteName')]");
    expect(at(site.body, 'name')).toBe("[parameters('siteName')]");
  });

  it("retries and dead-letters to a blob container with the topic's identity", () => {
    const props = at(subscriptionResource().body, 'properties');
    expect(at(props, 'retryPolicy', 'maxDeliveryAttempts')).toBe("[parameters('maxDeliveryAttempts')]");
    expect(at(props, 'retryPolicy', 'eventTimeToLiveInMinutes')).toBe(
      "[parameters('eventTimeToLiveInMinutes')]",
    );
    expect(at(props, 'deadLetterWithResourceIdentity', 'identity', 'type')).toBe('SystemAssigned');
    expect(at(props, 'deadLetterWithResourceIdentity', 'deadLetterDestination', 'endpointType')).toBe(
      'StorageBlob',
    );
    expect(
      at(props, 'deadLetterWithResourceIdentity', 'deadLetterDestination', 'properties', 'blobContainerName'),
    ).toBe("[parameters('deadLetterContainerName')]");
  });

  it('has one subscription-wide system topic per watched subscription', () => {
    const topic = onlyResource(main, 'Microsoft.EventGrid/systemTopics');
    expect(at(topic.body, 'properties', 'topicType')).toBe('Microsoft.Resources.Subscriptions');
    expect(at(topic.body, 'properties', 'source')).toBe('[subscription().id]');
    expect(at(topic.body, 'location')).toBe('global');
    // Nested module templates list resources in an array: the path ends in an index.
    expect(topic.template.path).toMatch(/^\/watched\/\d+$/);
    const resources = main['resources'] as Record<string, Parameters<typeof at>[0]>;
    expect(at(resources['watched'], 'copy', 'count')).toBe("[length(variables('subscriptionIds'))]");
    expect(at(resources['eventSubscriptions'], 'subscriptionId')).toBe(
      "[variables('subscriptionIds')[copyIndex()]]",
    );
  });
});
