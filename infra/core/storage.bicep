// The storage account: Functions host and Durable task hub state, the deployment package, and the
// pipeline's containers. Shared-key access is off; everything uses Entra ID.
param name string
param location string
param tags object = {}

@description('Blob containers to create.')
param containers array

@description('Container/prefix of the webhook de-duplication markers, deleted by the lifecycle rule.')
param webhookMarkerPrefix string

@description('Days after which webhook de-duplication markers are deleted.')
param webhookMarkerRetentionDays int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
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
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in containers: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-webhook-dedup-markers'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ webhookMarkerPrefix ]
            }
            actions: {
              baseBlob: {
                delete: { daysAfterCreationGreaterThan: webhookMarkerRetentionDays }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [ blobContainers ]
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
