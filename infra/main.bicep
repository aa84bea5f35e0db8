// fedlink: everything `azd up` deploys (docs/design.md, infra/README.md).
//
// - the app (modules/app.bicep): Function App on Flex Consumption (Node 22), its user-assigned
//   identity, storage reached with that identity only, Log Analytics + Application Insights;
// - a custom role with exactly the ARM actions the code calls (generated/role-actions.json, written
//   from shared/azure/permissions.ts), assigned to the app's identity on every watched subscription;
// - per watched subscription an Event Grid system topic and, once the code is deployed
//   (subscribeToEvents), an event subscription to the app's Event Grid function with dead-lettering.
//
// Compiled to main.json by `npm run check:infra` (the committed main.json is what a Deploy to Azure
// button and test/infra read).
targetScope = 'subscription'

@description('Name of the environment (azd: AZURE_ENV_NAME); stem of every resource name.')
@minLength(1)
@maxLength(24)
param environmentName string

@description('Region of the app and its resource groups.')
param location string

@description('Resource group of the app (created if missing).')
param resourceGroupName string = 'rg-${environmentName}'

@description('Subscription ids fedlink watches and writes to: each gets the fedlink role and an Event Grid system topic. Also written into the config as scope.subscriptions. Blank entries are dropped; none: the deployment\'s own subscription.')
@minLength(1)
param watchedSubscriptionIds string[] = [subscription().subscriptionId]

@description('Resource group for the Event Grid system topic in each watched subscription (created if missing).')
param eventsResourceGroupName string = 'rg-${environmentName}-events'

@description('The fedlink config (fedlink.yaml as an object: federation, drift, ...; README "Configuration"). scope.subscriptions is set from watchedSubscriptionIds.')
param fedlinkConfig object = {}

@description('FEDLINK_LOG_LEVEL of the app.')
@allowed(['debug', 'info', 'warn', 'error'])
param logLevel string = 'info'

@description('Create the Event Grid subscriptions to the app\'s function. Needs the function code deployed (Event Grid validates the endpoint on creation): azd sets it on its second provision, after deploy (azure.yaml).')
param subscribeToEvents bool = false

@description('Memory per instance in MB (Flex Consumption).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the app may scale out to (Flex Consumption).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Event Grid delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param eventMaxDeliveryAttempts int = 30

@description('Minutes Event Grid retries an event before dead-lettering it.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

@description('Log Analytics retention in days.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// Blank entries dropped (a comma-separated list from azd may end in one); none left: this subscription.
var givenSubscriptionIds = map(filter(watchedSubscriptionIds, id => !empty(trim(id))), id => trim(id))
var subscriptionIds = empty(givenSubscriptionIds) ? [subscription().subscriptionId] : givenSubscriptionIds

var tags = { 'azd-env-name': environmentName, app: 'fedlink' }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var deadLetterContainerName = 'eventgrid-deadletter'
var systemTopicName = 'fedlink-${environmentName}-arm'
var identityName = 'id-${environmentName}'
var storageName = 'st${resourceToken}'
var siteName = 'func-${environmentName}-${resourceToken}'
var identityId = resourceId(
  subscription().subscriptionId,
  resourceGroupName,
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  identityName
)

// The config the app runs with: the given one, its scope being exactly the watched subscriptions.
var appConfig = union(fedlinkConfig, {
  scope: union(fedlinkConfig.?scope ?? {}, { subscriptions: subscriptionIds })
})

// The custom role: exactly the actions of shared/azure/permissions.ts. Never a wildcard, never
// Contributor, never userAssignedIdentities/write (test/infra checks the compiled template).
var roleActions = loadJsonContent('generated/role-actions.json').actions
var roleDefinitionName = guid(subscription().id, environmentName, 'fedlink-role')

resource appGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module app 'modules/app.bicep' = {
  name: 'fedlink-app'
  scope: appGroup
  params: {
    location: location
    environmentName: environmentName
    identityName: identityName
    storageName: storageName
    siteName: siteName
    tags: tags
    fedlinkConfigJson: string(appConfig)
    logLevel: logLevel
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    deadLetterContainerName: deadLetterContainerName
    logRetentionDays: logRetentionDays
  }
}

resource fedlinkRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionName
  properties: {
    roleName: 'fedlink reconciler (${environmentName})'
    description: 'What fedlink calls: read clusters, identities and subscriptions, query Resource Graph, read/write/delete federated identity credentials. Generated from shared/azure/permissions.ts.'
    type: 'CustomRole'
    permissions: [
      {
        actions: roleActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: union([subscription().id], map(subscriptionIds, id => '/subscriptions/${id}'))
  }
}

module watched 'modules/watch-subscription.bicep' = [
  for subscriptionId in subscriptionIds: {
    name: 'fedlink-watch-${uniqueString(subscriptionId, environmentName)}'
    scope: subscription(subscriptionId)
    params: {
      location: location
      eventsResourceGroupName: eventsResourceGroupName
      systemTopicName: systemTopicName
      tags: tags
      roleDefinitionName: fedlinkRole.name
      appIdentityId: identityId
      appPrincipalId: app.outputs.identityPrincipalId
    }
  }
]

module deadLetterAccess 'modules/deadletter-access.bicep' = [
  for (subscriptionId, i) in subscriptionIds: {
    name: 'fedlink-deadletter-${uniqueString(subscriptionId, environmentName)}'
    scope: appGroup
    params: {
      storageName: storageName
      deadLetterContainerName: deadLetterContainerName
      topicId: resourceId(subscriptionId, eventsResourceGroupName, 'Microsoft.EventGrid/systemTopics', systemTopicName)
      topicPrincipalId: watched[i].outputs.topicPrincipalId
    }
  }
]

module eventSubscriptions 'modules/event-subscription.bicep' = [
  for (subscriptionId, i) in subscriptionIds: if (subscribeToEvents) {
    name: 'fedlink-events-${uniqueString(subscriptionId, environmentName)}'
    scope: resourceGroup(subscriptionId, eventsResourceGroupName)
    params: {
      systemTopicName: systemTopicName
      appSubscriptionId: subscription().subscriptionId
      appResourceGroupName: appGroup.name
      siteName: siteName
      deadLetterStorageId: app.outputs.storageId
      deadLetterContainerName: deadLetterContainerName
      maxDeliveryAttempts: eventMaxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    dependsOn: [watched, deadLetterAccess]
  }
]

@description('Resource group of the app.')
output AZURE_RESOURCE_GROUP string = appGroup.name

@description('Name of the Function App.')
output AZURE_FUNCTION_APP_NAME string = siteName

@description('https URL of the Function App.')
output FUNCTION_APP_URL string = app.outputs.siteUrl

@description('Resource id of the app\'s user-assigned identity.')
output APP_IDENTITY_RESOURCE_ID string = app.outputs.identityId

@description('Client id of the app\'s identity (its AZURE_CLIENT_ID).')
output APP_IDENTITY_CLIENT_ID string = app.outputs.identityClientId

@description('Principal (object) id of the app\'s identity: what the fedlink role is assigned to.')
output APP_IDENTITY_PRINCIPAL_ID string = app.outputs.identityPrincipalId

@description('Resource id of the fedlink custom role definition.')
output FEDLINK_ROLE_DEFINITION_ID string = fedlinkRole.id
