using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;

namespace HeyGenRender.Infrastructure.Tests;

/// <summary>
/// The names infra/, host.json and local.settings.sample.json declare must be the names the code reads:
/// the expected values come from src/Pipeline (constants, option defaults, option properties) and from the
/// src/Functions sources, never from a copied list. A rename on either side fails here instead of in Azure.
/// </summary>
public sealed partial class InfrastructureDriftTests
{
    private static readonly JsonDocumentOptions s_jsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static JsonElement Json(params string[] path) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo(path)), s_jsonOptions).RootElement;

    private static string Text(params string[] path) => File.ReadAllText(RepoPaths.InRepo(path));

    private static JsonElement Names => Json("infra", "names.json");

    private static IReadOnlyDictionary<string, string> BicepAppSettings()
    {
        var bicep = Text("infra", "app", "function-app.bicep");
        var block = AppSettingsBlock().Match(bicep);
        Assert.True(block.Success, "infra/app/function-app.bicep has no 'appsettings' config resource");
        return SettingLine().Matches(block.Groups["body"].Value)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);
    }

    private static IReadOnlyDictionary<string, string?> LocalSettings() =>
        Json("local.settings.sample.json").GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.Ordinal);

    private static string FunctionsSources() =>
        string.Join('\n', Directory.EnumerateFiles(RepoPaths.InRepo("src", "Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

    [Fact]
    public void Containers_DeclaredByInfra_AreThePipelineStorageDefaults()
    {
        var defaults = new StorageOptions();
        var expected = new[] { defaults.RequestsContainer, defaults.RendersContainer, defaults.FailedRequestsContainer, defaults.WebhookEventsContainer };

        var declared = Names.GetProperty("containers").EnumerateArray().Select(c => c.GetString()).ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
        Assert.Equal(defaults.RequestsContainer, Names.GetProperty("inboxContainer").GetString());
        Assert.Contains("containers: concat(names.containers", Text("infra", "main.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void LifecycleRule_Prefix_CoversExactlyTheWebhookDedupeMarkers()
    {
        var defaults = new StorageOptions();

        Assert.Equal($"{defaults.WebhookEventsContainer}/{WebhookDedupe.MarkerPrefix}", Names.GetProperty("webhookMarkerPrefix").GetString());
        Assert.Equal(2, Names.GetProperty("webhookMarkerRetentionDays").GetInt32());
        var storage = Text("infra", "core", "storage.bicep");
        Assert.Contains("prefixMatch: [ webhookMarkerPrefix ]", storage, StringComparison.Ordinal);
        Assert.Contains("daysAfterCreationGreaterThan: webhookMarkerRetentionDays", storage, StringComparison.Ordinal);
        // The HeyGen-id index shares the container and must survive the rule.
        Assert.False(BlobHeyGenJobIndex.IndexPrefix.StartsWith(WebhookDedupe.MarkerPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void SecretNames_DeclaredByInfra_AreTheOnesThePipelineReads()
    {
        var secrets = Names.GetProperty("secrets");

        Assert.Equal(SecretNames.HeyGenApiKey, secrets.GetProperty("heyGenApiKey").GetString());
        Assert.Equal(SecretNames.WebhookSecret, secrets.GetProperty("heyGenWebhookSecret").GetString());
        Assert.Contains("name: apiKeySecretName", Text("infra", "core", "keyvault.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_InBicep_BindToRealOptionsAndCoverWhatAzureNeeds()
    {
        var settings = BicepAppSettings();

        Assert.Contains(ToEnvironmentName(SecretsOptions.KeyVaultUriKey), settings.Keys);
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.BlobServiceUri)}", settings.Keys);
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.RequestsContainer)}", settings.Keys);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.Equal("'managedidentity'", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("AZURE_CLIENT_ID", settings.Keys);
        // Shared-key access is off, so nothing may carry an account key or a connection string.
        Assert.DoesNotContain(settings.Keys, k => k.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase) && !k.StartsWith("APPLICATIONINSIGHTS", StringComparison.Ordinal));
        AssertBindsToOptions(settings.Keys);
    }

    [Fact]
    public void LocalSettingsSample_BindsToRealOptionsAndRunsUnderFuncStart()
    {
        var settings = LocalSettings();

        Assert.Equal("dotnet-isolated", settings["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", settings["AzureWebJobsStorage"]);
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.ConnectionString)}", settings.Keys);
        Assert.Contains(ToEnvironmentName(SecretsOptions.HeyGenApiKeyKey), settings.Keys);
        Assert.Contains(ToEnvironmentName(SecretsOptions.WebhookSecretKey), settings.Keys);
        AssertBindsToOptions(settings.Keys);
    }

    [Fact]
    public void HostJson_ExtensionsAtTopLevel_HubNameFromASettingBothHostsDefine()
    {
        var host = Json("host.json");

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.False(host.GetProperty("logging").TryGetProperty("extensions", out _), "extensions must not be nested in logging");
        var durable = host.GetProperty("extensions").GetProperty("durableTask");
        var hubSetting = HubSetting().Match(durable.GetProperty("hubName").GetString() ?? string.Empty);
        Assert.True(hubSetting.Success, "durableTask.hubName should name an app setting (%Name%)");
        var name = hubSetting.Groups["name"].Value;
        Assert.Equal("names.taskHubName", BicepAppSettings()[name]);
        Assert.False(string.IsNullOrEmpty(Names.GetProperty("taskHubName").GetString()));
        Assert.False(string.IsNullOrEmpty(LocalSettings()[name]));
        Assert.InRange(durable.GetProperty("maxConcurrentActivityFunctions").GetInt32(), 1, 50);
        Assert.InRange(durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32(), 1, 500);
    }

    [Fact]
    public void FunctionNamesAndRoutes_UsedByInfra_AreTheFunctionsAppsOwn()
    {
        var sources = FunctionsSources();
        var inbox = Names.GetProperty("functions").GetProperty("inbox").GetString()!;

        Assert.Contains($"[Function(nameof({inbox}))]", sources, StringComparison.Ordinal);
        Assert.Contains($"public const string InboxPath = \"{new StorageOptions().RequestsContainer}/{{name}}\";", sources, StringComparison.Ordinal);
        Assert.Contains("Source = BlobTriggerSource.EventGrid", sources, StringComparison.Ordinal);

        var webhookRoute = Names.GetProperty("routes").GetProperty("webhook").GetString()!;
        Assert.Equal(WebhookIntake.Route, "/api/" + webhookRoute);
        Assert.Contains($"Route = \"{webhookRoute}\"", sources, StringComparison.Ordinal);
        var renders = RenderApi.RoutePrefix["/api/".Length..];
        Assert.Contains($"Route = \"{renders}\"", sources, StringComparison.Ordinal);
        Assert.Contains($"Route = \"{renders}/{{id}}\"", sources, StringComparison.Ordinal);
        Assert.Contains($"Route = \"{renders}/{{id}}/cancel\"", sources, StringComparison.Ordinal);
        Assert.Equal("api", Json("host.json").GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void WorkflowNames_EveryOrchestratorAndActivity_HasItsFunction()
    {
        // Durable finds orchestrators and activities by function name: a workflow name without a
        // [Function] in the app fails only at run time, in Azure. The event is not a function.
        var notFunctions = new[] { nameof(RenderWorkflowNames.SlotGrantedEvent) };
        var names = typeof(RenderWorkflowNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !notFunctions.Contains(f.Name))
            .Select(f => f.Name)
            .ToArray();
        var sources = FunctionsSources();

        Assert.Contains(nameof(RenderWorkflowNames.PrepareRender), names);
        Assert.All(names, name => Assert.True(
            sources.Contains($"[Function(RenderWorkflowNames.{name})]", StringComparison.Ordinal),
            $"src/Functions has no [Function(RenderWorkflowNames.{name})]"));

        // The slot semaphore is a blob, not a Durable entity: the local engine has no entities, and one design serves both hosts.
        Assert.DoesNotContain("[EntityTrigger]", sources, StringComparison.Ordinal);
    }

    [Fact]
    public void AzureYaml_ServiceAndHook_PointAtFilesThatExist()
    {
        var yaml = Text("azure.yaml");

        Assert.Contains("project: ./src/Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(RepoPaths.InRepo("infra", "hooks", "postdeploy.sh")));
        var hook = Text("infra", "hooks", "postdeploy.sh");
        var outputs = OutputName().Matches(Text("infra", "main.bicep")).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var used = HookVariable().Matches(hook).Select(m => m.Groups["name"].Value).Distinct();
        Assert.All(used, v => Assert.True(outputs.Contains(v), $"postdeploy.sh reads ${v}, which infra/main.bicep does not output"));
    }

    private static string ToEnvironmentName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    // Every "Section__Property" setting for a pipeline options section must name a real property of it.
    private static void AssertBindsToOptions(IEnumerable<string> settingNames)
    {
        var sections = new Dictionary<string, Type>(StringComparer.Ordinal)
        {
            [StorageOptions.SectionName] = typeof(StorageOptions),
            [SecretsOptions.SectionName] = typeof(SecretsOptions),
        };
        foreach (var name in settingNames)
        {
            var parts = name.Split("__");
            if (parts.Length == 2 && sections.TryGetValue(parts[0], out var type))
            {
                Assert.True(type.GetProperty(parts[1]) is not null, $"setting {name}: {type.Name} has no property {parts[1]}");
            }
        }
    }

    [GeneratedRegex(@"name: 'appsettings'\s+properties: \{(?<body>.*?)\n  \}", RegexOptions.Singleline)]
    private static partial Regex AppSettingsBlock();

    [GeneratedRegex(@"^\s+(?<name>[A-Za-z_][A-Za-z0-9_]*): (?<value>.+)$", RegexOptions.Multiline)]
    private static partial Regex SettingLine();

    [GeneratedRegex(@"^%(?<name>[A-Za-z0-9_]+)%$")]
    private static partial Regex HubSetting();

    [GeneratedRegex(@"^output (?<name>[A-Z0-9_]+) ", RegexOptions.Multiline)]
    private static partial Regex OutputName();

    [GeneratedRegex(@"\$\{?(?<name>(AZURE|HEYGEN|INBOX)_[A-Z0-9_]+)\b(?!:-)")]
    private static partial Regex HookVariable();
}
