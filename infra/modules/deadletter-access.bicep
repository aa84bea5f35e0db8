// Lets one subscription's system topic (its system-assigned identity) write dead letters into the
// dead-letter container of the app's storage, and nothing else.

@description('Name of the app\'s storage account (in this resource group).')
param storageName string

@description('Blob container for dead letters.')
param deadLetterContainerName string

@description('Resource id of the system topic (names the role assignment).')
param topicId string

@description('Principal id of the system topic\'s identity.')
param topicPrincipalId string

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${storageName}/default/${deadLetterContainerName}'
}

resource writeDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, topicId, storageBlobDataContributor)
  scope: container
  properties: {
    principalId: topicPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}
