// Parameters for `azd up` / `azd provision`: azd exports its environment (`azd env set NAME value`,
// plus AZURE_ENV_NAME, AZURE_LOCATION, AZURE_SUBSCRIPTION_ID) and Bicep reads it here.
// Without azd: `az deployment sub create -l <region> -f infra/main.bicep -p infra/main.bicepparam`
// with the same variables exported, or pass the parameters of main.bicep directly.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'fedlink')

param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')

// Comma-separated subscription ids; unset: the subscription azd deploys to.
param watchedSubscriptionIds = split(
  readEnvironmentVariable('FEDLINK_WATCHED_SUBSCRIPTIONS', readEnvironmentVariable('AZURE_SUBSCRIPTION_ID', '')),
  ','
)

// The fedlink config as JSON (fedlink.yaml converted), e.g. azd env set FEDLINK_CONFIG_JSON "$(cat fedlink.json)".
param fedlinkConfig = json(readEnvironmentVariable('FEDLINK_CONFIG_JSON', '{}'))

param logLevel = readEnvironmentVariable('FEDLINK_LOG_LEVEL', 'info')

// Set to true by the postdeploy hook in azure.yaml, once the function code is there.
param subscribeToEvents = bool(readEnvironmentVariable('FEDLINK_SUBSCRIBE_EVENTS', 'false'))
