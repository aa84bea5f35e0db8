// The event subscription that delivers ARM events to the app's Event Grid function, filtered to
// exactly what shared/events reconciles (infra/generated/events.json, written from the code):
// the event types, and `data.operationName` of the resource types it handles. Created only after the
// function code is deployed: Event Grid validates an AzureFunction endpoint when the subscription is
// created (docs/azure-behaviour.md §3.7, §8.2).

@description('Name of the existing system topic in this resource group.')
param systemTopicName string

@description('Subscription of the Function App.')
param appSubscriptionId string

@description('Resource group of the Function App.')
param appResourceGroupName string

@description('Name of the Function App.')
param siteName string

@description('Resource id of the storage account for dead letters.')
param deadLetterStorageId string

@description('Blob container for dead letters.')
param deadLetterContainerName string

@description('Delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int

@description('Minutes an undelivered event is retried before it is dead-lettered.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int

var events = loadJsonContent('../generated/events.json')

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource toFunction 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'fedlink-${events.functionName}'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        // <site id>/functions/<function> (docs/azure-behaviour.md §3.7)
        resourceId: resourceId(
          appSubscriptionId,
          appResourceGroupName,
          'Microsoft.Web/sites/functions',
          siteName,
          events.functionName
        )
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: events.includedEventTypes
      isSubjectCaseSensitive: false
      enableAdvancedFilteringOnArrays: true
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: events.operationNames
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}
