using System.Reflection;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.TestSupport;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeyGenRender.Functions.Tests;

/// <summary>
/// The container Program.cs builds, with the validation the worker leaves off: every registration resolvable at
/// build time, and no singleton holding a scoped service. A handler registered as a singleton over the scoped Durable
/// client (the bug this suite was added for) fails the build here.
/// </summary>
public sealed class CompositionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    internal static IHost BuildApp(IDictionary<string, string?> settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        FunctionsApp.Configure(builder);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        return builder.Build();
    }

    internal static Dictionary<string, string?> Settings(AzuriteFixture azurite) => new()
    {
        ["Storage:ConnectionString"] = azurite.ConnectionString,
        ["Secrets:HeyGenApiKey"] = "test-key",
        ["Secrets:WebhookSecret"] = "whsec_test",
        ["HeyGen:Endpoint"] = "http://127.0.0.1:9/",
    };

    [Fact]
    public async Task Composition_AsProgramBuildsIt_ValidatesAndResolvesEveryFunctionHandlerAndActivityPerInvocation()
    {
        using var host = BuildApp(Settings(azurite));
        // A real gRPC client pointing nowhere: it is only handed to constructors here; resolution is what is tested.
        await using var clients = new ServiceCollection().AddLogging()
            .AddDurableTaskClient(b => b.UseGrpc(Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:9"))).BuildServiceProvider();
        var client = clients.GetRequiredService<DurableTaskClient>();

        // As the worker does per invocation: a scope, the function class activated in it, the handler resolved through it.
        var functionClasses = FunctionsBuild.App.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToList();
        Assert.Equal(6, functionClasses.Count);
        foreach (var type in functionClasses.Where(t => !(t.IsAbstract && t.IsSealed)))
        {
            await using var scope = host.Services.CreateAsyncScope();
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }

        foreach (var handler in new[] { typeof(RenderApi), typeof(RenderStarter), typeof(InboxHandler), typeof(WebhookIntake) })
        {
            await using var scope = host.Services.CreateAsyncScope();
            var resolve = typeof(DurableClientScope).GetMethod(nameof(DurableClientScope.Resolve))!.MakeGenericMethod(handler);
            Assert.IsType(handler, resolve.Invoke(null, [scope.ServiceProvider, client]));
        }

        var activities = typeof(IRenderActivity<,>).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRenderActivity<,>)))
            .ToList();
        Assert.Equal(9, activities.Count);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.All(activities, type => Assert.NotNull(scope.ServiceProvider.GetRequiredService(type)));
        }
    }

    [Fact]
    public async Task Composition_HandlerResolvedWithoutTheInvocationsClient_SaysWhatIsMissing()
    {
        using var host = BuildApp(Settings(azurite));
        await using var scope = host.Services.CreateAsyncScope();

        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<RenderApi>());

        Assert.Contains("[DurableClient]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Composition_HandlersThatTakeTheDurableClient_AreScopedNotSingletons()
    {
        var services = new ServiceCollection();
        FunctionsApp.AddServices(services, new ConfigurationBuilder().AddInMemoryCollection(Settings(azurite)).Build());

        Assert.Equal(ServiceLifetime.Scoped, services.Single(d => d.ServiceType == typeof(DurableTaskClient)).Lifetime);
        foreach (var handler in new[] { typeof(RenderApi), typeof(RenderStarter), typeof(InboxHandler), typeof(WebhookIntake) })
        {
            Assert.Equal(ServiceLifetime.Scoped, services.Single(d => d.ServiceType == handler).Lifetime);
        }
    }

    [Fact]
    public void Composition_WithApplicationInsights_ExportsThePipelinesTelemetryWithTheAppsCredential()
    {
        var settings = Settings(azurite);
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/";
        settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Authorization=AAD";
        using var host = BuildApp(settings);

        Assert.NotNull(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        var exporter = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Azure.Monitor.OpenTelemetry.Exporter.AzureMonitorExporterOptions>>().CurrentValue;
        Assert.Same(host.Services.GetRequiredService<Azure.Core.TokenCredential>(), exporter.Credential);
        Assert.Equal(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], exporter.ConnectionString);
    }

    [Fact]
    public void Composition_WithoutApplicationInsights_AddsNoTelemetryExport()
    {
        using var host = BuildApp(Settings(azurite));

        Assert.Null(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }
}
