// Key Vault (RBAC authorization) holding the HeyGen API key and the webhook signing secret.
// The webhook secret is written by the post-deploy hook once HeyGen has issued it.
param name string
param location string
param tags object = {}

@description('Secret name of the HeyGen API key.')
param apiKeySecretName string

@secure()
@description('HeyGen API key; the secret is created only when a value is given.')
param apiKey string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(apiKey)) {
  parent: vault
  name: apiKeySecretName
  properties: {
    value: apiKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
