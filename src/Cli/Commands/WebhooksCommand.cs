using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using HeyGen.Client;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Commands;

/// <summary><c>webhooks register</c> and <c>webhooks rotate</c>: the HeyGen endpoint and its signing secret.</summary>
internal sealed class WebhooksCommand(CliEnvironment environment) : ICommandDefinition
{
    public IEnumerable<(Command Command, string[] Examples)> Build()
    {
        var webhooks = new Command("webhooks", "Manages the HeyGen webhook endpoint the pipeline receives events on, and its signing secret.");

        // A string checked here: System.CommandLine has no Uri parser, and the error should name the rule.
        var url = new Option<string>("--url") { Description = $"The public URL of the webhook handler, ending in {WebhookIntake.Route}.", Required = true };
        url.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                result.AddError($"--url: '{text}' is not an absolute http(s) URL.");
            }
        });
        var register = new Command("register", "Creates a HeyGen webhook endpoint for --url and stores its signing secret: in Key Vault when Secrets__KeyVaultUri is set, otherwise in the --config file (Secrets:WebhookSecret).")
        {
            url,
        };
        register.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, async (client, store) =>
        {
            var endpoint = await client.Webhooks.CreateEndpointAsync(new CreateWebhookEndpointRequest { Url = parseResult.GetValue(url)! }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(endpoint.Secret ?? throw new InvalidOperationException("HeyGen returned no secret."), cancellationToken).ConfigureAwait(false);
            await environment.Out.WriteLineAsync($"registered endpoint {endpoint.EndpointId} for {endpoint.Url}; signing secret stored in {store.Where}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));

        var endpointId = new Option<string?>("--endpoint-id") { Description = "The endpoint to rotate; default: the only registered endpoint." };
        var rotate = new Command("rotate", "Rotates the endpoint's signing secret. The new secret becomes current and the old one previous, so events signed with either verify during the switch.")
        {
            endpointId,
        };
        rotate.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, async (client, store) =>
        {
            var id = parseResult.GetValue(endpointId);
            if (id is null)
            {
                var endpoints = await client.Webhooks.GetEndpointsPageAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (endpoints.Items.Count != 1)
                {
                    await environment.Error.WriteLineAsync($"error: {endpoints.Items.Count} endpoints are registered; name one with --endpoint-id ({string.Join(", ", endpoints.Items.Select(e => e.EndpointId))}).").ConfigureAwait(false);
                    return ExitCodes.BadInput;
                }

                id = endpoints.Items[0].EndpointId;
            }

            var rotation = await client.Webhooks.RotateSecretAsync(id, cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(rotation.Secret, cancellationToken).ConfigureAwait(false);
            await environment.Out.WriteLineAsync($"rotated the secret of endpoint {rotation.EndpointId}; new secret current, old one kept as previous, in {store.Where}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));

        webhooks.Add(register);
        webhooks.Add(rotate);
        yield return (webhooks, ["heygen-render webhooks register --url https://my-app.example.com/api/webhooks/heygen --config settings.json"]);
        yield return (register,
        [
            "Secrets__KeyVaultUri=https://kv-name.vault.azure.net/ heygen-render webhooks register --url https://func-app.azurewebsites.net/api/webhooks/heygen",
            "heygen-render webhooks register --url https://my-tunnel.example.com/api/webhooks/heygen --config settings.json",
        ]);
        yield return (rotate, ["heygen-render webhooks rotate --config settings.json", "heygen-render webhooks rotate --endpoint-id ep_123"]);
    }

    private async Task<int> RunAsync(ParseResult parseResult, Func<HeyGenClient, SecretStore, Task<int>> action, CancellationToken cancellationToken)
    {
        var configFile = parseResult.GetValue(CommonOptions.Config);
        var configuration = CliConfiguration.Build(environment, configFile, []);
        if (string.IsNullOrEmpty(configuration[CliConfiguration.HeyGenApiKey]) && string.IsNullOrEmpty(configuration[CliConfiguration.KeyVaultUri]))
        {
            await environment.Error.WriteLineAsync("error: webhooks need the real HeyGen API: set Secrets__HeyGenApiKey (or Secrets__KeyVaultUri). The embedded emulator registers its own endpoint with 'serve' and 'render'.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        var vault = configuration[CliConfiguration.KeyVaultUri];
        var configPath = configFile is null ? null : environment.FullPath(configFile);
        if (string.IsNullOrEmpty(vault) && configPath is null)
        {
            await environment.Error.WriteLineAsync("error: nowhere to store the signing secret: set Secrets__KeyVaultUri, or pass --config <file.json> to keep it there.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        return await Guard.RunAsync(environment, async () =>
        {
            using var loggerFactory = CliLogging.CreateFactory(LogLevel.Warning);
            await using var services = OperationsServices.Create(configuration, environment, loggerFactory);

            // The same vault and credential the pipeline reads the API key with (managed identity, az login, …).
            SecretStore store = string.IsNullOrEmpty(vault)
                ? new ConfigFileStore(configPath!)
                : new KeyVaultStore(services.CreateSecretClient(new Uri(vault)));
            return await action(services.HeyGen, store).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Where a new signing secret goes; the current one moves to "previous" so rotation never drops events.</summary>
    private abstract class SecretStore
    {
        public abstract string Where { get; }

        public abstract Task SaveAsync(string secret, CancellationToken cancellationToken);
    }

    private sealed class KeyVaultStore(SecretClient client) : SecretStore
    {
        public override string Where => $"Key Vault {client.VaultUri} ({SecretNames.WebhookSecret})";

        public override async Task SaveAsync(string secret, CancellationToken cancellationToken)
        {
            try
            {
                var current = await client.GetSecretAsync(SecretNames.WebhookSecret, cancellationToken: cancellationToken).ConfigureAwait(false);
                await client.SetSecretAsync(SecretNames.WebhookSecretPrevious, current.Value.Value, cancellationToken).ConfigureAwait(false);
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // First registration: no previous secret.
            }

            await client.SetSecretAsync(SecretNames.WebhookSecret, secret, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class ConfigFileStore(string path) : SecretStore
    {
        public override string Where => $"{path} (Secrets:WebhookSecret)";

        public override async Task SaveAsync(string secret, CancellationToken cancellationToken)
        {
            var root = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) as JsonObject ?? [] : [];
            if (root["Secrets"] is not JsonObject secrets)
            {
                secrets = [];
                root["Secrets"] = secrets;
            }

            if (secrets["WebhookSecret"]?.GetValue<string>() is { } current)
            {
                secrets["WebhookSecretPrevious"] = current;
            }

            secrets["WebhookSecret"] = secret;
            await File.WriteAllTextAsync(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        }
    }
}
