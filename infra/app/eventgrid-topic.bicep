// Event Grid system topic over the storage account. The blob trigger's subscription is added by
// the post-deploy hook (eventgrid-subscription.bicep): its endpoint needs the app's blobs_extension
// key, which exists only once the code is deployed.
param name string
param location string
param tags object = {}
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
output id string = topic.id
