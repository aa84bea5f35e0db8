// The Event Grid system topic of one subscription: ARM's resource events for the whole subscription
// (docs/azure-behaviour.md §3.1). Its system-assigned identity writes dead letters to the app's
// storage (granted in deadletter-access.bicep).

@description('Name of the system topic.')
param systemTopicName string

@description('Tags for every resource.')
param tags object

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

@description('Principal id of the topic\'s system-assigned identity.')
output principalId string = topic.identity.principalId
