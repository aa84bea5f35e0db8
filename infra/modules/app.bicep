// The Function App and everything it runs on, in the app's resource group: its user-assigned identity,
// the storage account (durable task hub, deployment package, Event Grid dead letters, fleet check reports,
// the fleet checks' work store), Log Analytics +
// Application Insights, the Flex Consumption plan and the site. No keys anywhere: storage and
// Application Insights are reached with the identity (docs/adr/0006-durable-backend.md).

@description('Azure region of the app and its resources.')
param location string

@description('Name stem of every resource (the azd environment name).')
param environmentName string

@description('Name of the app\'s user-assigned identity.')
param identityName string

@description('Name of the storage account (globally unique).')
@minLength(3)
@maxLength(24)
param storageName string

@description('Name of the Function App (globally unique).')
param siteName string

@description('Tags for every resource.')
param tags object

@description('The fedlink config (fedlink.yaml as an object), set as FEDLINK_CONFIG_JSON.')
param fedlinkConfigJson string

@description('FEDLINK_LOG_LEVEL.')
@allowed(['debug', 'info', 'warn', 'error'])
param logLevel string

@description('Memory per instance in MB (Flex Consumption).')
param instanceMemoryMB int

@description('Most instances Flex Consumption may scale out to.')
param maximumInstanceCount int

@description('Name of the blob container that receives events Event Grid could not deliver.')
param deadLetterContainerName string

@description('Log Analytics retention in days.')
param logRetentionDays int

// Built-in roles (ids from the built-in role tables; docs/azure-behaviour.md §8.3 style).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// The durable Azure Storage backend keeps its task hub in blobs (leases, large messages), queues
// (control and work items) and tables (history, instances): it needs all three data roles.
var storageRoles = [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]

var deploymentContainerName = 'app-package'

// The fleet check reports (latest.json and history/, shared/azure/reportStore.ts): written and read by the
// app's identity, which holds Storage Blob Data Owner on the account above.
var reportsContainerName = 'reports'

// The fleet checks' work store (claim check, docs/adr/0008-work-store.md; shared/azure/workStore.ts): work
// items and full outcomes under runs/<run>/, deleted by the run when it ends. A run that crashed before
// its cleanup leaves its documents behind: the lifecycle rule below deletes them after 2 days (runs take
// minutes; the rule runs about once a day, so a leftover lives 2-4 days, docs/azure-behaviour.md §8.6).
var workContainerName = 'fedlink-work'
var workRunsPrefix = 'runs/'
var workLeftoverDays = 2

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }

  resource blobs 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
    }

    resource deadLetters 'containers' = {
      name: deadLetterContainerName
    }

    resource reports 'containers' = {
      name: reportsContainerName
    }

    resource work 'containers' = {
      name: workContainerName
    }
  }

  // Lifecycle rules are per account (one policy named 'default'); a rule's prefix starts with the
  // container name.
  resource lifecycle 'managementPolicies' = {
    name: 'default'
    properties: {
      policy: {
        rules: [
          {
            name: 'delete-abandoned-work'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: {
                blobTypes: ['blockBlob']
                prefixMatch: ['${workContainerName}/${workRunsPrefix}']
              }
              actions: {
                baseBlob: {
                  delete: { daysAfterModificationGreaterThan: workLeftoverDays }
                }
              }
            }
          }
        ]
      }
    }
    dependsOn: [blobs::work]
  }
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

// The work store's own grant, on its container only. Today it adds nothing to the account-wide Storage
// Blob Data Owner above (the durable backend's); it is here so the work store keeps its access if that
// grant is ever narrowed, and so its need is stated where it is deployed.
resource workContainerAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobs::work.id, identity.id, storageBlobDataContributor)
  scope: storage::blobs::work
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${environmentName}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${environmentName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry only with an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING below).
    DisableLocalAuth: true
  }
}

resource insightsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${environmentName}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // Node 22 in Azure; the repo's tests run on Node 20 and the code stays within what both run.
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Host storage (durable task hub included) through the identity: account name only, no key.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        // What shared/config/env.ts reads (its SETTINGS table).
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'FEDLINK_CONFIG_JSON', value: fedlinkConfigJson }
        { name: 'FEDLINK_LOG_LEVEL', value: logLevel }
        { name: 'AZURE_RESOURCE_MANAGER_ENDPOINT', value: environment().resourceManager }
        { name: 'FEDLINK_REPORTS_URL', value: '${storage.properties.primaryEndpoints.blob}${reportsContainerName}' }
        { name: 'FEDLINK_WORK_URL', value: '${storage.properties.primaryEndpoints.blob}${workContainerName}' }
        // Read by @azure/identity itself (sovereign clouds).
        { name: 'AZURE_AUTHORITY_HOST', value: environment().authentication.loginEndpoint }
      ]
    }
  }
  dependsOn: [storageRoleAssignments, workContainerAccess, insightsPublisher]
}

@description('Resource id of the Function App.')
output siteId string = site.id

@description('https URL of the Function App.')
output siteUrl string = 'https://${site.properties.defaultHostName}'

@description('Resource id of the app\'s user-assigned identity.')
output identityId string = identity.id

@description('Client id of the app\'s user-assigned identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.properties.clientId

@description('Principal (object) id of the app\'s user-assigned identity.')
output identityPrincipalId string = identity.properties.principalId

@description('Resource id of the storage account.')
output storageId string = storage.id
