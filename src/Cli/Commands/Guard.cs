using System.Net.Http;
using Azure;
using HeyGen.Client;
using HeyGenRender.LocalAzurite;

namespace HeyGenRender.Cli.Commands;

/// <summary>Turns the failures a user can act on into one clear line and an exit code, instead of a stack trace.</summary>
internal static class Guard
{
    public static async Task<int> RunAsync(CliEnvironment environment, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (AzuriteNotInstalledException ex)
        {
            return await FailAsync(environment, ExitCodes.Unavailable, ex.Message).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            return await FailAsync(environment, ExitCodes.Unavailable, $"storage answered {ex.Status} ({ex.ErrorCode}): {FirstLine(ex.Message)}").ConfigureAwait(false);
        }
        catch (HeyGenException ex)
        {
            return await FailAsync(environment, ExitCodes.Failed, $"HeyGen answered {ex.Status} ({ex.ErrorCode?.ToString() ?? "no code"}): {ex.Message}").ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return await FailAsync(environment, ExitCodes.Unavailable, $"could not reach a service: {ex.Message}").ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Storage is not configured", StringComparison.Ordinal))
        {
            return await FailAsync(environment, ExitCodes.BadInput, ex.Message).ConfigureAwait(false);
        }
    }

    private static async Task<int> FailAsync(CliEnvironment environment, int exitCode, string message)
    {
        await environment.Error.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return exitCode;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
