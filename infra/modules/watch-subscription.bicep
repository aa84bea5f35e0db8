// Deployed once per watched subscription (targetScope subscription): gives the app's identity the
// fedlink role on the subscription, and creates the resource group holding the subscription's Event
// Grid system topic (Microsoft.Resources.Subscriptions, docs/azure-behaviour.md §3.1).
targetScope = 'subscription'

@description('Region of the events resource group (the system topic itself is global).')
param location string

@description('Resource group for the system topic in this subscription.')
param eventsResourceGroupName string

@description('Name of the system topic.')
param systemTopicName string

@description('Tags for every resource.')
param tags object

@description('GUID (name) of the fedlink custom role definition.')
param roleDefinitionName string

@description('Resource id of the app\'s user-assigned identity (names the role assignment).')
param appIdentityId string

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

resource fedlinkRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  // Deterministic: the same subscription, principal and role always give the same assignment name,
  // so a re-deployment updates it instead of failing with RoleAssignmentExists.
  name: guid(subscription().id, appIdentityId, roleDefinitionName)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionName)
    description: 'fedlink: the ARM actions its code calls (shared/azure/permissions.ts)'
  }
}

resource eventsGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: eventsResourceGroupName
  location: location
  tags: tags
}

module topic 'event-topic.bicep' = {
  name: 'fedlink-topic-${uniqueString(subscription().id, systemTopicName)}'
  scope: eventsGroup
  params: {
    systemTopicName: systemTopicName
    tags: tags
  }
}

@description('Principal id of the system topic\'s identity (it writes dead letters).')
output topicPrincipalId string = topic.outputs.principalId
