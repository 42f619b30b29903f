using System.Diagnostics;
using System.Globalization;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>
/// The baseline: <c>curl</c> GET piped into <c>curl -T -</c> PUT. A PUT from stdin would be sent chunked, which
/// Blob Storage (and Azurite) and presigned URLs reject, so the known length is sent as Content-Length instead.
/// </summary>
internal static class CurlPipe
{
    // URLs and headers are passed as positional arguments, never spliced into the script.
    private const string Script = """
        set -euo pipefail
        source_url="$1"; target_url="$2"; length="$3"; shift 3
        headers=()
        for header in "$@"; do headers+=(-H "$header"); done
        curl -sS --fail "$source_url" \
          | curl -sS --fail -o /dev/null -X PUT -T - -H "Transfer-Encoding:" -H "Content-Length: $length" "${headers[@]}" "$target_url"
        """;

    /// <summary>Runs the pipe and returns how long it took.</summary>
    public static async Task<TimeSpan> RunAsync(Uri source, Uri target, long length, IEnumerable<string> headers, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("bash");
        foreach (var argument in new[] { "-c", Script, "curl-pipe", source.AbsoluteUri, target.AbsoluteUri, length.ToString(CultureInfo.InvariantCulture) }.Concat(headers))
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        var (exitCode, _, stderr) = await Child.RunProcessAsync(start, TimeSpan.FromMinutes(10), cancellationToken);
        clock.Stop();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"curl pipe failed (exit {exitCode}): {stderr}");
        }

        return clock.Elapsed;
    }
}
