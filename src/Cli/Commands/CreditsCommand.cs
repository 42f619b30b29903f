using System.CommandLine;
using System.Globalization;
using HeyGen.Client;
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
                await using var services = OperationsServices.Create(defaults.Configuration, environment, loggerFactory);
                var user = await services.HeyGen.Users.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
                await environment.Out.WriteLineAsync($"account: {user.Username}{(defaults.Emulator is null ? string.Empty : " (embedded emulator)")}").ConfigureAwait(false);
                await environment.Out.WriteLineAsync($"billing: {user.BillingType ?? "unknown"}").ConfigureAwait(false);
                foreach (var line in BalanceLines(user))
                {
                    await environment.Out.WriteLineAsync(line).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        yield return (command, ["Secrets__HeyGenApiKey=… heygen-render credits", "heygen-render credits --config settings.json"]);
    }

    /// <summary>The balance lines of whichever billing object HeyGen filled in (wallet, subscription pools or metered spending).</summary>
    internal static IReadOnlyList<string> BalanceLines(HeyGenUser user)
    {
        var lines = new List<string>();
        if (user.Wallet is { RemainingBalance: { } balance } wallet)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"remaining: {balance:0.####} {wallet.Currency}"));
        }

        if (user.Subscription is { } subscription)
        {
            if (subscription.Plan is not null)
            {
                lines.Add("plan: " + subscription.Plan);
            }

            foreach (var (name, pool) in new[] { ("premium_credits", subscription.Credits?.PremiumCredits), ("add_on_credits", subscription.Credits?.AddOnCredits) })
            {
                if (pool?.Remaining is { } remaining)
                {
                    var resets = pool.ResetsAt is null ? string.Empty : $" (resets {pool.ResetsAt})";
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"remaining {name}: {remaining} credits{resets}"));
                }
            }
        }

        if (user.UsageBased is { SpendingCurrentUsd: { } spent } usage)
        {
            var cap = usage.SpendingCapUsd is { } c ? string.Create(CultureInfo.InvariantCulture, $" of a {c:0.##} USD cap") : " (no cap)";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"spent: {spent:0.##} USD{cap}"));
        }

        if (lines.Count == 0)
        {
            lines.Add("remaining: not reported for this billing type");
        }

        return lines;
    }
}
