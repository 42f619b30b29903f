using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using HeyGen.Client;
using HeyGen.Emulator;
using HeyGenRender.Functions.Functions;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.LocalDurableTask;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeyGenRender.Functions.Tests;

/// <summary>
/// The Functions app's own function bodies, over real HTTP and real blobs, with the Durable client and the
/// orchestrator and activity functions on the real Durable Task engine (in memory). What stands in for the host:
/// Kestrel routing each request to the function method (by the routes in functions.metadata), the invocation
/// context, and the engine's dispatch calling the orchestrator and activity functions by name.
/// </summary>
public sealed class FunctionBodyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string WebhookSecret = "whsec_functions_test";

    private static string Job(string outputContainer, string script = "Hello from the Functions app.") => $$"""
        {
          "version": 1,
          "kind": "avatar",
          "avatar": { "look_id": "look_emulator_anna_office", "script": "{{script}}", "captions": "sidecar" },
          "output": { "container": "{{outputContainer}}" }
        }
        """;

    [Fact]
    public async Task HttpFunctions_StartStatusWebhookCancel_AnswerAsTheCallerExpects()
    {
        await using var app = await FunctionsAppUnderTest.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var start = await http.PostAsync("/api/renders", new StringContent(Job(app.Renders), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/api/renders/{id}", start.Headers.Location?.ToString());
        var again = await http.PostAsync("/api/renders", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        // The orchestrator and activity functions take it to HeyGen (the emulator renders for a minute).
        var waiting = await app.WaitForStatusAsync(http, id, s => s.TryGetProperty("stage", out var stage) && stage.GetString() == "wait");
        Assert.Equal("running", waiting.GetProperty("status").GetString());
        var heyGenId = waiting.GetProperty("custom_status").GetProperty("heygen_id").GetString()!;

        // A signed webhook for its job reaches the render as an event.
        var body = JsonSerializer.SerializeToUtf8Bytes(new { event_type = "avatar_video.success", event_data = new { video_id = heyGenId, callback_id = id } });
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/heygen") { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in WebhookSigner.CreateHeaders(body, WebhookSecret, TimeProvider.System.GetUtcNow(), "evt_functions_1"))
        {
            webhook.Headers.TryAddWithoutValidation(name, value);
        }

        var delivered = await http.SendAsync(webhook);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("received", (await delivered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        // The answer means journaled: the queue trigger's function delivers it, as the host would invoke it with the message.
        var message = Assert.Single((await Assert.IsType<QueueJournalStore>(app.Journal.Store).Queue.ReceiveMessagesAsync(32)).Value);
        Assert.Equal(id, Assert.Single(WebhookJournal.Parse(message.Body.ToString())).CallbackId);
        await app.DispatchJournalAsync(message.Body.ToString());
        Assert.True(await app.Blobs.GetBlobContainerClient(app.Events).GetBlobClient(WebhookDedupe.MarkerPrefix + "evt_functions_1").ExistsAsync(), "delivered, so de-duplicated from now on");
        var unsigned = await http.PostAsync("/api/webhooks/heygen", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        var cancel = await http.PostAsync($"/api/renders/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var answer = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(heyGenId, answer.GetProperty("heygen_id").GetString());
        Assert.True(answer.GetProperty("heygen_job_continues").GetBoolean(), "HeyGen has no cancel: the caller is told its job runs on");
        Assert.Contains("charged", answer.GetProperty("note").GetString(), StringComparison.Ordinal);
        var cancelled = await app.WaitForStatusAsync(http, id, s => s.GetProperty("status").GetString() == "cancelled");
        Assert.Equal("wait", cancelled.GetProperty("failure").GetProperty("stage").GetString());
        Assert.True(await app.Blobs.GetBlobContainerClient(app.Renders).GetBlobClient($"{id}/error.json").ExistsAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/renders/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/renders/r-nosuchrender")).StatusCode);
    }

    [Fact]
    public async Task BlobFunction_GoodJobStartsARender_BadJobIsMovedAsideWithItsReport()
    {
        await using var app = await FunctionsAppUnderTest.StartAsync(azurite);
        var inbox = app.Blobs.GetBlobContainerClient(app.Inbox);
        await inbox.CreateIfNotExistsAsync();
        var good = inbox.GetBlobClient("batch/good.json");
        var etag = (await good.UploadAsync(BinaryData.FromString(Job(app.Renders)))).Value.ETag;
        var bad = inbox.GetBlobClient("batch/bad.json");
        await bad.UploadAsync(BinaryData.FromString("""{"version": 1, "kind": "avatar", "avatar": {}}"""));

        await app.InvokeBlobFunctionAsync(good);
        await app.InvokeBlobFunctionAsync(bad);

        var id = RenderIds.FromInboxBlob(app.Inbox, good.Name, etag);
        var started = await app.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(started);
        Assert.Contains($"inbox:{app.Inbox}/batch/good.json", started.SerializedInput, StringComparison.Ordinal);
        await app.Client.RaiseEventAsync(id, RenderEvents.Cancel);

        var failed = app.Blobs.GetBlobContainerClient(app.Failed);
        Assert.False(await bad.ExistsAsync());
        Assert.True(await failed.GetBlobClient("batch/bad.json").ExistsAsync());
        var report = (await failed.GetBlobClient(InboxHandler.ErrorReportName("batch/bad.json")).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("avatar.look_id", report, StringComparison.Ordinal);
    }

    /// <summary>The Functions app's container (as Program.cs builds it) with the engine's worker in it, behind Kestrel.</summary>
    private sealed class FunctionsAppUnderTest : IAsyncDisposable
    {
        private readonly IHost _app;
        private readonly LocalDurableTaskHost _engine;
        private readonly HeyGenEmulatorHost _emulator;
        private readonly WebApplication _web;
        private readonly IHostedService _worker;

        private FunctionsAppUnderTest(IHost app, LocalDurableTaskHost engine, HeyGenEmulatorHost emulator, WebApplication web, IHostedService worker, Uri baseAddress, IDictionary<string, string?> settings)
        {
            _app = app;
            _engine = engine;
            _emulator = emulator;
            _web = web;
            _worker = worker;
            BaseAddress = baseAddress;
            Inbox = settings["Storage:RequestsContainer"]!;
            Failed = settings["Storage:FailedRequestsContainer"]!;
            Renders = settings["Storage:OutputContainers:0"]!;
            Events = settings["Storage:WebhookEventsContainer"]!;
            Blobs = app.Services.GetRequiredService<BlobServiceClient>();
            Client = app.Services.GetRequiredService<IDurableTaskClientProvider>().GetClient();
            Journal = app.Services.GetRequiredService<WebhookJournal>();
        }

        /// <summary>The webhook journal the webhook function writes and the queue-triggered function reads.</summary>
        public WebhookJournal Journal { get; }

        /// <summary>Invokes the queue-triggered dispatch function with one journal message, in a scope of its own.</summary>
        public async Task DispatchJournalAsync(string message)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var context = new TestFunctionContext(scope.ServiceProvider, nameof(WebhookJournalFunction.DispatchHeyGenWebhooks), CancellationToken.None);
            await new WebhookJournalFunction().DispatchHeyGenWebhooks(message, Client, context);
        }

        public Uri BaseAddress { get; }

        public string Inbox { get; }

        public string Failed { get; }

        public string Renders { get; }

        public string Events { get; }

        public BlobServiceClient Blobs { get; }

        /// <summary>The client the engine's worker is registered with; each invocation gets it as its [DurableClient].</summary>
        public DurableTaskClient Client { get; }

        public static async Task<FunctionsAppUnderTest> StartAsync(AzuriteFixture azurite)
        {
            var emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { RenderDuration = TimeSpan.FromMinutes(1) }, TimeProvider.System);
            var settings = new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Storage:RequestsContainer"] = AzuriteFixture.UniqueContainerName("in"),
                ["Storage:RendersContainer"] = AzuriteFixture.UniqueContainerName("jobs"),
                ["Storage:FailedRequestsContainer"] = AzuriteFixture.UniqueContainerName("failed"),
                ["Storage:WebhookEventsContainer"] = AzuriteFixture.UniqueContainerName("events"),
                ["Storage:OutputContainers:0"] = AzuriteFixture.UniqueContainerName("out"),
                ["Secrets:HeyGenApiKey"] = emulator.ApiKey,
                ["Secrets:WebhookSecret"] = WebhookSecret,
                ["HeyGen:Endpoint"] = emulator.BaseAddress.ToString(),

                // The worker's channel to the host is constructed (never opened) when the hosted services are listed.
                ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            };
            var durable = new LocalDurableTaskOptions { Backend = DurableBackend.InMemory };
            var engine = await LocalDurableTaskHost.StartAsync(durable, NullLoggerFactory.Instance);

            var builder = FunctionsApplication.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(settings);
            FunctionsApp.Configure(builder);
            builder.Logging.ClearProviders();

            // The host would dispatch orchestrations and activities to the app's functions by name; the engine's worker,
            // in the app's own container, does it here through the same function methods.
            // Its client is not registered as the app's DurableTaskClient: that stays the scoped one each invocation binds.
            builder.Services.AddLocalDurableTask(engine, durable, RegisterFunctionBodies, OrchestrationJson.Options, registerClient: false);
            builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
            var app = builder.Build();

            // Only the Durable worker starts: the Functions worker's own services would dial the absent host.
            var worker = app.Services.GetServices<IHostedService>().Single(s => s is DurableTaskWorker);
            await worker.StartAsync(CancellationToken.None);
            var web = await StartWebAsync(app);
            var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new FunctionsAppUnderTest(app, engine, emulator, web, worker, new Uri(address), settings);
        }

        public async Task<JsonElement> WaitForStatusAsync(HttpClient http, string id, Func<JsonElement, bool> condition)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var status = await http.GetFromJsonAsync<JsonElement>($"/api/renders/{id}", timeout.Token);
                if (condition(status))
                {
                    return status;
                }

                await Task.Delay(50, timeout.Token);
            }
        }

        public async Task InvokeBlobFunctionAsync(BlobClient blob)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var function = ActivatorUtilities.CreateInstance<InboxBlobFunction>(scope.ServiceProvider);
            await function.StartRenderFromBlob(blob, Client, new TestFunctionContext(scope.ServiceProvider, "StartRenderFromBlob"));
        }

        public async ValueTask DisposeAsync()
        {
            await _web.DisposeAsync();
            await _worker.StopAsync(CancellationToken.None);
            _app.Dispose();
            await _engine.DisposeAsync();
            await _emulator.DisposeAsync();
        }

        private static void RegisterFunctionBodies(DurableTaskRegistry tasks)
        {
            tasks.AddOrchestratorFunc<RenderRequest, RenderOutcome>(RenderWorkflowNames.Orchestrator, (context, _) => RenderOrchestratorFunction.Run(context));
            foreach (var function in FunctionsBuild.Metadata().Where(f => FunctionsBuild.Get(FunctionsBuild.Trigger(f), "type") == "activityTrigger"))
            {
                var name = function.GetProperty("name").GetString()!;
                var entryPoint = function.GetProperty("entryPoint").GetString()!;
                var split = entryPoint.LastIndexOf('.');
                var method = FunctionsBuild.App.GetType(entryPoint[..split], throwOnError: true)!.GetMethod(entryPoint[(split + 1)..])!;
                tasks.AddActivity(name, services => new ActivityFunction(name, method, services));
            }
        }

        // Each request: a DI scope of the app and the function method the route names, as the host would invoke it.
        private static async Task<WebApplication> StartWebAsync(IHost app)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddMvcCore();
            var web = builder.Build();
            var client = app.Services.GetRequiredService<IDurableTaskClientProvider>().GetClient();
            var routes = FunctionsBuild.Metadata()
                .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: FunctionsBuild.Trigger(f)))
                .Where(f => FunctionsBuild.Get(f.Trigger, "type") == "httpTrigger");
            foreach (var (name, trigger) in routes)
            {
                var method = trigger.GetProperty("methods")[0].GetString()!.ToUpperInvariant();
                web.MapMethods("/api/" + FunctionsBuild.Get(trigger, "route"), [method], async (HttpContext http) =>
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    var context = new TestFunctionContext(scope.ServiceProvider, name, http.RequestAborted);
                    var result = name switch
                    {
                        "StartRender" => await new RenderHttpFunctions().StartRender(http.Request, client, context),
                        "GetRenderStatus" => await new RenderHttpFunctions().GetRenderStatus(http.Request, (string)http.GetRouteValue("id")!, client, context),
                        "CancelRender" => await new RenderHttpFunctions().CancelRender(http.Request, (string)http.GetRouteValue("id")!, client, context),
                        "ListRenders" => await new RenderHttpFunctions().ListRenders(http.Request, client, context),
                        "GetRenderFile" => await new RenderHttpFunctions().GetRenderFile(http.Request, (string)http.GetRouteValue("id")!, (string)http.GetRouteValue("name")!, client, context),
                        "Dashboard" => RenderHttpFunctions.Dashboard(http.Request),
                        "ReceiveHeyGenWebhook" => await new HeyGenWebhookFunction().ReceiveHeyGenWebhook(http.Request, context),
                        _ => throw new InvalidOperationException($"No HTTP function {name} in this test."),
                    };
                    await result.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
                });
            }

            await web.StartAsync();
            return web;
        }
    }

    /// <summary>An activity function invoked as the host would: its input, and an invocation context over the work item's scope.</summary>
    private sealed class ActivityFunction(string name, MethodInfo method, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => method.GetParameters()[0].ParameterType;

        public Type OutputType => method.ReturnType.GetGenericArguments()[0];

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            var bindingData = new Dictionary<string, object?> { ["instanceId"] = context.InstanceId };
            var task = (Task)method.Invoke(null, [input, new TestFunctionContext(services, name, bindingData: bindingData)])!;
            await task;
            return task.GetType().GetProperty("Result")!.GetValue(task);
        }
    }
}
