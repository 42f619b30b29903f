using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>What the figures were measured on: hardware, OS and the versions of everything in the path.</summary>
internal static class Machine
{
    public static async Task<IReadOnlyList<(string Name, string Value)>> DescribeAsync(string repoRoot)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            : null;
        var memoryGib = memory is null ? "?" : Num.F(long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0, "0.0") + " GiB";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"')
            : null;

        return
        [
            ("cores", $"{Environment.ProcessorCount} ({cpu ?? "unknown CPU"})"),
            ("memory", memoryGib),
            ("OS", $"{os ?? RuntimeInformation.OSDescription} ({RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture})"),
            (".NET", $"{RuntimeInformation.FrameworkDescription}, SDK {await FirstLineAsync("dotnet", "--version")}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC in the harness"),
            ("Azurite", AzuriteVersion(repoRoot) + $" (node {await FirstLineAsync("node", "--version")})"),
            ("curl", await FirstLineAsync("curl", "--version")),
            ("BenchmarkDotNet", typeof(BenchmarkDotNet.Running.BenchmarkRunner).Assembly.GetName().Version?.ToString() ?? "?"),
            ("commit", await FirstLineAsync("git", "-C", repoRoot, "rev-parse", "--short", "HEAD")),
        ];
    }

    private static string AzuriteVersion(string repoRoot)
    {
        var package = Path.Combine(repoRoot, "node_modules", "azurite", "package.json");
        return File.Exists(package) ? JsonNode.Parse(File.ReadAllText(package))?["version"]?.GetValue<string>() ?? "?" : "not installed";
    }

    private static async Task<string> FirstLineAsync(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            var (_, stdout, _) = await Child.RunProcessAsync(start, TimeSpan.FromSeconds(30));
            return stdout.Split('\n')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
