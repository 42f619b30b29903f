// Event Grid subscription that feeds the blob trigger (Source = EventGrid, required on Flex Consumption).
// Deployed by infra/hooks/postdeploy.sh after the code, because the endpoint carries the host's
// blobs_extension system key.
param topicName string
param functionAppName string

@description('Name of the blob-triggered function (the [Function] name).')
param functionName string

@description('Container the blob trigger watches.')
param containerName string

resource topic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' existing = {
  name: topicName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: topic
  name: 'blob-${toLower(functionName)}'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output name string = subscription.name
