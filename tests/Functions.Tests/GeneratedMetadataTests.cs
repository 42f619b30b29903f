using System.Reflection;
using System.Text.Json;
using HeyGenRender.Functions.Functions;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;

namespace HeyGenRender.Functions.Tests;

/// <summary>
/// The function metadata the Functions SDK generated at build time is what the host indexes in Azure. It must name
/// every function the code and the infrastructure expect, with the right trigger, route, methods and auth level.
/// A rename on either side fails here instead of at run time in Azure.
/// </summary>
public sealed class GeneratedMetadataTests
{
    private static readonly JsonElement s_names = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("infra", "names.json"))).RootElement;

    private static IEnumerable<string> ActivityNames() => typeof(RenderWorkflowNames).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.Name is not nameof(RenderWorkflowNames.Orchestrator) and not nameof(RenderWorkflowNames.SlotGrantedEvent))
        .Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void FunctionsMetadata_EveryFunction_HasTheTriggerTheCodeAndInfrastructureExpect()
    {
        var metadata = FunctionsBuild.Metadata().ToDictionary(f => f.GetProperty("name").GetString()!);
        var renders = RenderApi.RoutePrefix["/api/".Length..];
        var http = new Dictionary<string, (string Route, string Method, string Auth)>
        {
            ["StartRender"] = (renders, "post", "Function"),
            ["GetRenderStatus"] = (renders + "/{id}", "get", "Function"),
            ["CancelRender"] = (renders + "/{id}/cancel", "post", "Function"),
            ["ListRenders"] = (renders, "get", "Function"),
            ["GetRenderFile"] = (renders + "/{id}/files/{*name}", "get", "Function"),
            ["Dashboard"] = ("dashboard", "get", "Function"),
            ["ReceiveHeyGenWebhook"] = (WebhookIntake.Route["/api/".Length..], "post", "Anonymous"),
        };
        var inbox = s_names.GetProperty("functions").GetProperty("inbox").GetString()!;
        var journal = nameof(WebhookJournalFunction.DispatchHeyGenWebhooks);
        var expected = new HashSet<string>([RenderWorkflowNames.Orchestrator, .. ActivityNames(), .. http.Keys, inbox, journal]);

        Assert.Equal(expected.Order(), metadata.Keys.Order());

        Assert.Equal("orchestrationTrigger", FunctionsBuild.Get(FunctionsBuild.Trigger(metadata[RenderWorkflowNames.Orchestrator]), "type"));
        Assert.All(ActivityNames(), name => Assert.Equal("activityTrigger", FunctionsBuild.Get(FunctionsBuild.Trigger(metadata[name]), "type")));
        foreach (var (name, (route, method, auth)) in http)
        {
            var trigger = FunctionsBuild.Trigger(metadata[name]);
            Assert.Equal("httpTrigger", FunctionsBuild.Get(trigger, "type"));
            Assert.Equal(route, FunctionsBuild.Get(trigger, "route"));
            Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal(auth, FunctionsBuild.Get(trigger, "authLevel"));
        }

        // The blob trigger watches the inbox the pipeline and the Bicep name, through Event Grid (Flex Consumption's only source).
        var blob = FunctionsBuild.Trigger(metadata[inbox]);
        Assert.Equal("blobTrigger", FunctionsBuild.Get(blob, "type"));
        Assert.Equal($"{new StorageOptions().RequestsContainer}/{{name}}", FunctionsBuild.Get(blob, "path"));
        Assert.Equal($"{s_names.GetProperty("inboxContainer").GetString()}/{{name}}", FunctionsBuild.Get(blob, "path"));
        Assert.Equal("EventGrid", FunctionsBuild.Get(blob, "source"));
        Assert.Contains("Source = BlobTriggerSource.EventGrid", File.ReadAllText(RepoPaths.InRepo("src", "Functions", "Functions", "InboxBlobFunction.cs")), StringComparison.Ordinal);

        // The webhook journal is read from the queue the pipeline writes (its default name: the events container's).
        var queue = FunctionsBuild.Trigger(metadata[journal]);
        Assert.Equal("queueTrigger", FunctionsBuild.Get(queue, "type"));
        Assert.Equal(new StorageOptions().WebhookQueueName, FunctionsBuild.Get(queue, "queueName"));

        // Every function that starts or talks to renders gets the invocation's Durable client (the page and the webhook
        // intake, which only journals, need none).
        Assert.All([.. http.Keys.Where(k => k is not "Dashboard" and not "ReceiveHeyGenWebhook"), inbox, journal], name => Assert.Contains(
            metadata[name].GetProperty("bindings").EnumerateArray(), b => FunctionsBuild.Get(b, "type") == "durableClient"));
    }

    [Fact]
    public void FunctionsMetadata_EveryEntryPoint_IsAMethodWithThatFunctionName()
    {
        foreach (var function in FunctionsBuild.Metadata())
        {
            var name = function.GetProperty("name").GetString()!;
            var entryPoint = function.GetProperty("entryPoint").GetString()!;
            var split = entryPoint.LastIndexOf('.');
            var type = FunctionsBuild.App.GetType(entryPoint[..split], throwOnError: true)!;
            var method = type.GetMethod(entryPoint[(split + 1)..]) ?? throw new Xunit.Sdk.XunitException($"{entryPoint} does not exist");
            Assert.Equal(name, method.GetCustomAttribute<FunctionAttribute>()?.Name);
            Assert.Equal("HeyGenRender.Functions.dll", function.GetProperty("scriptFile").GetString());
        }
    }

    [Fact]
    public async Task GeneratedMetadataProvider_UsedWhenTheAppIsTheEntryAssembly_ListsTheSameFunctionsAsTheFile()
    {
        // In Azure the worker takes the source-generated provider, registered only when the Functions assembly is the
        // entry assembly; here the entry assembly is the test host, so it is created directly and compared.
        var type = FunctionsBuild.App.GetTypes().Single(t => t.Name == "GeneratedFunctionMetadataProvider");
        var provider = (IFunctionMetadataProvider)Activator.CreateInstance(type, nonPublic: true)!;

        var generated = await provider.GetFunctionMetadataAsync(FunctionsBuild.Output);

        var file = FunctionsBuild.Metadata();
        Assert.Equal(file.Select(f => f.GetProperty("name").GetString()).Order(), generated.Select(f => f.Name).Order());
        foreach (var function in generated)
        {
            var fromFile = file.Single(f => f.GetProperty("name").GetString() == function.Name);
            Assert.Equal(fromFile.GetProperty("entryPoint").GetString(), function.EntryPoint);
            Assert.Equal(fromFile.GetProperty("bindings").GetArrayLength(), function.RawBindings!.Count);
        }
    }
}
