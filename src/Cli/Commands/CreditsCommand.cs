using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HeyGenRender.Cli.Hosting;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Commands;

/// <summary><c>credits</c>: the account's remaining credits (<c>GET /v3/users/me</c>).</summary>
internal sealed class CreditsCommand(CliEnvironment environment) : ICommandDefinition
{
    public IEnumerable<(Command Command, string[] Examples)> Build()
    {
        var command = new Command("credits", "Shows the HeyGen account, its billing type and remaining credits (GET /v3/users/me). Without Secrets__HeyGenApiKey it asks the embedded emulator.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build(environment, parseResult.GetValue(CommonOptions.Config), []);
            return await Guard.RunAsync(environment, async () =>
            {
                using var loggerFactory = CliLogging.CreateFactory(LogLevel.Warning);
                await using var defaults = await EmbeddedDefaults.StartAsync(configuration, environment.Time, loggerFactory.CreateLogger("HeyGenRender.Cli"), storage: false, heyGen: true, cancellationToken).ConfigureAwait(false);
                await using var services = OperationsServices.Create(defaults.Configuration, environment.Time, loggerFactory);
                var user = await services.HeyGen.Users.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
                await environment.Out.WriteLineAsync($"account: {user.Username}{(defaults.Emulator is null ? string.Empty : " (embedded emulator)")}").ConfigureAwait(false);
                await environment.Out.WriteLineAsync($"billing: {user.BillingType ?? "unknown"}").ConfigureAwait(false);
                foreach (var line in await ReadBalanceAsync(defaults.Configuration, services, cancellationToken).ConfigureAwait(false))
                {
                    await environment.Out.WriteLineAsync(line).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        yield return (command, ["Secrets__HeyGenApiKey=… heygen-render credits", "heygen-render credits --config settings.json"]);
    }

    /// <summary>
    /// The balance fields of <c>GET /v3/users/me</c> (<c>wallet.remaining_balance</c>, <c>subscription.credits.*.remaining</c>).
    /// HeyGen.Client's <c>HeyGenUser</c> does not model them yet, so this one call reads the document itself.
    /// </summary>
    private static async Task<IReadOnlyList<string>> ReadBalanceAsync(Microsoft.Extensions.Configuration.IConfiguration configuration, OperationsServices services, CancellationToken cancellationToken)
    {
        var endpoint = configuration[CliConfiguration.HeyGenEndpoint] is { Length: > 0 } configured ? new Uri(configured) : HeyGen.Client.HeyGenClientOptions.DefaultEndpoint;
        var key = await services.Secrets.GetSecretAsync(HeyGenRender.Pipeline.Secrets.SecretNames.HeyGenApiKey, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v3/users/me");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var data = document.RootElement.GetProperty("data");
        var lines = new List<string>();
        if (data.TryGetProperty("wallet", out var wallet) && wallet.ValueKind == JsonValueKind.Object && wallet.TryGetProperty("remaining_balance", out var balance))
        {
            var currency = wallet.TryGetProperty("currency", out var c) ? c.GetString() : null;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"remaining: {balance.GetDouble():0.####} {currency}"));
        }

        if (data.TryGetProperty("subscription", out var subscription) && subscription.ValueKind == JsonValueKind.Object
            && subscription.TryGetProperty("credits", out var credits) && credits.ValueKind == JsonValueKind.Object)
        {
            foreach (var pool in credits.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("remaining", out _)))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"remaining {pool.Name}: {pool.Value.GetProperty("remaining").GetDouble():0.####} credits"));
            }
        }

        if (lines.Count == 0)
        {
            lines.Add("remaining: not reported for this billing type");
        }

        return lines;
    }
}
