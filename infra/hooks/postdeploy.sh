#!/bin/sh
# azd post-deploy hook (azure.yaml). Runs after the code is deployed, with the Bicep outputs in the
# environment (azd exports them). Needs the Azure CLI (`az`, logged in) and the .NET SDK.
#  1. Subscribes the inbox blob trigger to Event Grid. The endpoint carries the host's blobs_extension
#     key, which exists only once the code runs, so this cannot be part of the provisioning step.
#  2. Registers the HeyGen webhook endpoint (the command line's `webhooks register --url …` with
#     Secrets__KeyVaultUri set), which reads the API key from Key Vault and stores the signing secret there. Skipped when the secret is already there, unless
#     HEYGEN_WEBHOOK_REREGISTER=true; skipped with a note when the API key secret is missing.
set -eu
cd "$(dirname "$0")/../.."

: "${AZURE_RESOURCE_GROUP:?run through azd (azure.yaml hook)}"

echo "postdeploy: subscribing ${INBOX_FUNCTION_NAME} to blob events in '${INBOX_CONTAINER_NAME}'"
az deployment group create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "eventgrid-subscription" \
  --template-file infra/app/eventgrid-subscription.bicep \
  --parameters topicName="$AZURE_EVENTGRID_TOPIC_NAME" functionAppName="$AZURE_FUNCTION_APP_NAME" \
               functionName="$INBOX_FUNCTION_NAME" containerName="$INBOX_CONTAINER_NAME" \
  --output none

secret_exists() {
  az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name "$1" --query id --output tsv >/dev/null 2>&1
}

if ! secret_exists "$HEYGEN_API_KEY_SECRET_NAME"; then
  echo "postdeploy: no '$HEYGEN_API_KEY_SECRET_NAME' secret in $AZURE_KEY_VAULT_NAME yet; set it and run 'azd hooks run postdeploy' to register the HeyGen webhook."
  exit 0
fi
if secret_exists "$HEYGEN_WEBHOOK_SECRET_NAME" && [ "${HEYGEN_WEBHOOK_REREGISTER:-false}" != "true" ]; then
  echo "postdeploy: HeyGen webhook already registered (secret '$HEYGEN_WEBHOOK_SECRET_NAME' exists)."
  exit 0
fi

# The command line reads the API key from the vault and stores the signing secret there itself (the old one,
# if any, as heygen-webhook-secret-previous): no secret in a file, on a command line or in the log. It signs
# in with DefaultAzureCredential, i.e. the same `az login` as above; setting secrets needs a Key Vault
# Secrets Officer role on the vault, as `az keyvault secret set` would.
echo "postdeploy: registering the HeyGen webhook endpoint $HEYGEN_WEBHOOK_URL"
Secrets__KeyVaultUri="$AZURE_KEY_VAULT_URI" dotnet run --project src/Cli -c Release -- \
  webhooks register --url "$HEYGEN_WEBHOOK_URL"
