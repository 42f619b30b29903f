#!/bin/sh
# azd post-deploy hook (azure.yaml). Runs after the code is deployed, with the Bicep outputs in the
# environment (azd exports them). Needs the Azure CLI (`az`, logged in) and the .NET SDK.
#  1. Subscribes the inbox blob trigger to Event Grid. The endpoint carries the host's blobs_extension
#     key, which exists only once the code runs, so this cannot be part of the provisioning step.
#  2. Registers the HeyGen webhook endpoint (the command line's `webhooks register --url …`) and stores
#     its signing secret in Key Vault. Skipped when the secret is already there, unless
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

# Secrets go through files in a private folder, never through the command line or the log.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name "$HEYGEN_API_KEY_SECRET_NAME" \
  --query value --output tsv > "$work/api-key"

echo "postdeploy: registering the HeyGen webhook endpoint $HEYGEN_WEBHOOK_URL"
HeyGen__ApiKey=$(cat "$work/api-key") dotnet run --project src/Cli -c Release -- \
  webhooks register --url "$HEYGEN_WEBHOOK_URL" --secret-file "$work/webhook-secret"

az keyvault secret set --vault-name "$AZURE_KEY_VAULT_NAME" --name "$HEYGEN_WEBHOOK_SECRET_NAME" \
  --file "$work/webhook-secret" --encoding utf-8 --output none
echo "postdeploy: stored the webhook signing secret as '$HEYGEN_WEBHOOK_SECRET_NAME' in $AZURE_KEY_VAULT_NAME."
