// HeyGen Render on Azure Functions Flex Consumption, deployed by `azd up`.
// Everything authenticates with one user-assigned managed identity; no keys or connection strings are stored.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used to name the resource group and derive resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the identity running azd (filled in by azd); gets data access for uploads and the post-deploy step.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed([ 'User', 'ServicePrincipal' ])
param principalType string = 'User'

@secure()
@description('HeyGen API key, stored in Key Vault. Leave empty to set the secret later (see src/Functions/README.md).')
param heyGenApiKey string = ''

@description('Always-ready instances for the HTTP functions: HeyGen gives a webhook 10 s, which a cold start can exceed.')
@minValue(1)
param httpAlwaysReadyInstances int = 1

@description('Upper bound of Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 20

@description('Memory per instance (MB).')
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int = 2048

var names = loadJsonContent('names.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containers: concat(names.containers, [ deploymentContainerName ])
    webhookMarkerPrefix: names.webhookMarkerPrefix
    webhookMarkerRetentionDays: names.webhookMarkerRetentionDays
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    apiKeySecretName: names.secrets.heyGenApiKey
    apiKey: heyGenApiKey
  }
}

module roles 'app/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'functions' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    httpAlwaysReadyInstances: httpAlwaysReadyInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The app starts with its identity's roles in place (host storage, Key Vault).
  dependsOn: [ roles ]
}

module eventGridTopic 'app/eventgrid-topic.bicep' = {
  name: 'eventgrid-topic'
  scope: rg
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

// Read by the post-deploy hook (infra/hooks/postdeploy.sh) through `azd env get-values`.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_EVENTGRID_TOPIC_NAME string = eventGridTopic.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output HEYGEN_WEBHOOK_URL string = '${functionApp.outputs.url}/api/${names.routes.webhook}'
output HEYGEN_WEBHOOK_SECRET_NAME string = names.secrets.heyGenWebhookSecret
output HEYGEN_API_KEY_SECRET_NAME string = names.secrets.heyGenApiKey
output INBOX_FUNCTION_NAME string = names.functions.inbox
output INBOX_CONTAINER_NAME string = names.inboxContainer
