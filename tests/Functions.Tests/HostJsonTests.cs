using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeyGenRender.TestSupport;

namespace HeyGenRender.Functions.Tests;

/// <summary>
/// host.json's extension sections are bound by the host to the extensions' option classes; a key no class has is
/// ignored without a word. Every key is checked against the public settable properties of the classes shipped in
/// the app's build (the Durable extension's <c>DurableTaskOptions</c> and <c>AzureStorageOptions</c>, the blob
/// extension's <c>BlobsOptions</c>, the HTTP extension's <c>HttpOptions</c>), read without loading them.
/// </summary>
public sealed class HostJsonTests
{
    private static readonly Dictionary<string, string> s_sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["durableTask"] = "Microsoft.Azure.WebJobs.Extensions.DurableTask.DurableTaskOptions",
        ["blobs"] = "Microsoft.Azure.WebJobs.Host.BlobsOptions",
        ["http"] = "Microsoft.Azure.WebJobs.Extensions.Http.HttpOptions",
        ["queues"] = "Microsoft.Azure.WebJobs.Host.QueuesOptions",
    };

    private const string AzureStorageOptions = "Microsoft.Azure.WebJobs.Extensions.DurableTask.AzureStorageOptions";

    [Fact]
    public void HostJson_EveryExtensionKey_IsAnOptionTheExtensionReads()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(RepoPaths.InRepo("host.json")))!;

        var problems = Check(hostJson);

        Assert.Empty(problems);
        Assert.Equal("%TaskHubName%", hostJson["extensions"]!["durableTask"]!["hubName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("durableTask", "maxConcurrentActivityFunction", "extensions.durableTask.maxConcurrentActivityFunction")]
    [InlineData("blobs", "maxDegreesOfParallelism", "extensions.blobs.maxDegreesOfParallelism")]
    public void HostJson_MisspeltKey_IsNamed(string section, string key, string expected)
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(RepoPaths.InRepo("host.json")))!;
        hostJson["extensions"]![section]![key] = 1;

        Assert.Contains(Check(hostJson), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void HostJson_MisspeltStorageProviderKey_IsNamed()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(RepoPaths.InRepo("host.json")))!;
        hostJson["extensions"]!["durableTask"]!["storageProvider"]!["partitionCounts"] = 4;

        Assert.Contains(Check(hostJson), p => p.StartsWith("extensions.durableTask.storageProvider.partitionCounts", StringComparison.Ordinal));
    }

    private static List<string> Check(JsonNode hostJson)
    {
        var extensionFolder = Path.Combine(FunctionsBuild.Output, ".azurefunctions");
        var assemblies = Directory.GetFiles(extensionFolder, "*.dll")
            .Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .Concat(HttpExtension())
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
        using var context = new MetadataLoadContext(new PathAssemblyResolver(assemblies));
        var problems = new List<string>();
        foreach (var (name, section) in hostJson["extensions"]!.AsObject())
        {
            if (!s_sections.TryGetValue(name, out var typeName))
            {
                problems.Add($"extensions.{name}: no extension the app ships reads this section");
                continue;
            }

            CheckObject(FindType(context, typeName), section!.AsObject(), $"extensions.{name}", problems, context);
        }

        return problems;
    }

    private static void CheckObject(Type options, JsonObject json, string path, List<string> problems, MetadataLoadContext context)
    {
        var properties = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod?.IsPublic == true)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in json)
        {
            if (!properties.TryGetValue(key, out var property))
            {
                problems.Add($"{path}.{key}: {options.Name} has no such option");
            }
            else if (key.Equals("storageProvider", StringComparison.OrdinalIgnoreCase) && value is JsonObject provider)
            {
                // A dictionary the extension binds per provider; "type" picks it, the rest are AzureStorageOptions.
                var rest = new JsonObject(provider.Where(p => p.Key != "type").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
                Assert.Equal("AzureStorage", provider["type"]?.GetValue<string>());
                CheckObject(FindType(context, AzureStorageOptions), rest, $"{path}.{key}", problems, context);
            }
            else if (value is JsonObject nested && property.PropertyType.IsClass && property.PropertyType.FullName != "System.String")
            {
                CheckObject(property.PropertyType, nested, $"{path}.{key}", problems, context);
            }
        }
    }

    private static Type FindType(MetadataLoadContext context, string fullName) =>
        Directory.GetFiles(Path.Combine(FunctionsBuild.Output, ".azurefunctions"), "*.dll").Concat(HttpExtension())
            .Select(file => context.LoadFromAssemblyPath(file).GetType(fullName))
            .FirstOrDefault(t => t is not null)
        ?? throw new Xunit.Sdk.XunitException($"{fullName} is not in the extensions the Functions build ships");

    // The HTTP extension is part of the host; the SDK's extension build (under obj/) has its options assembly.
    private static IEnumerable<string> HttpExtension() =>
        Directory.EnumerateFiles(RepoPaths.InRepo("src", "Functions", "obj"), "Microsoft.Azure.WebJobs.Extensions.Http.dll", SearchOption.AllDirectories).Take(1);
}
