using Azure.Storage.Blobs;
using HeyGen.Emulator;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// What a test talks to: <c>serve</c>'s host on a random loopback port over one Azurite (shared by the class), with the
/// emulator in process sending signed webhooks to it. Each host gets its own containers.
/// </summary>
internal sealed class CliTestHost : IAsyncDisposable
{
    private CliTestHost(HeyGenEmulatorHost emulator, PipelineHost host, Dictionary<string, string?> settings, BlobServiceClient blobs, string folder)
    {
        Emulator = emulator;
        Host = host;
        Settings = settings;
        Blobs = blobs;
        Folder = folder;
    }

    public HeyGenEmulatorHost Emulator { get; }

    public PipelineHost Host { get; }

    /// <summary>The configuration <c>serve</c> runs with; the CLI under test gets the same.</summary>
    public Dictionary<string, string?> Settings { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>A temporary folder for job files and outputs, deleted at the end.</summary>
    public string Folder { get; }

    public string Requests => Settings["Storage:RequestsContainer"]!;

    public string Renders => Settings["Storage:RendersContainer"]!;

    public string Failed => Settings["Storage:FailedRequestsContainer"]!;

    public static async Task<CliTestHost> StartAsync(AzuriteFixture azurite, TimeProvider? time = null, TimeSpan? renderDuration = null, Action<IServiceCollection>? services = null)
    {
        time ??= TimeProvider.System;
        var emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { RenderDuration = renderDuration ?? TimeSpan.Zero }, time);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:RequestsContainer"] = AzuriteFixture.UniqueContainerName("in"),
            ["Storage:RendersContainer"] = AzuriteFixture.UniqueContainerName("out"),
            ["Storage:FailedRequestsContainer"] = AzuriteFixture.UniqueContainerName("failed"),
            ["Storage:WebhookEventsContainer"] = AzuriteFixture.UniqueContainerName("events"),
            ["Inbox:ReceiptsContainer"] = AzuriteFixture.UniqueContainerName("receipts"),
            ["Inbox:PollInterval"] = "00:00:00.050",
            // Each host its own task hub: hosts on one Azurite must not run each other's renders.
            ["Durable:TaskHub"] = "cli" + Guid.NewGuid().ToString("N")[..12],
            ["Durable:MaxQueuePollingInterval"] = "00:00:00.100",
            ["Secrets:HeyGenApiKey"] = emulator.ApiKey,
            ["HeyGen:Endpoint"] = emulator.BaseAddress.ToString(),
            // The emulator takes the same short time for every job (as the CLI tells the workflow when it embeds one).
            ["Workflow:ExpectedRenderTime"] = "00:00:00.200",
            ["Workflow:MinExpectedRenderTime"] = "00:00:00.200",
            ["Workflow:RenderTimePerVideoSecond"] = "0",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var host = await PipelineHost.StartAsync(configuration, time, "http://127.0.0.1:0", registerWebhookWithHeyGen: true, configureServices: services);
        var folder = Directory.CreateTempSubdirectory("cli-tests-").FullName;
        return new CliTestHost(emulator, host, settings, azurite.CreateServiceClient(), folder);
    }

    /// <summary>Runs <c>heygen-render</c> with <paramref name="args"/> against this host's configuration, capturing its output.</summary>
    public Task<CliRun> RunCliAsync(params string[] args) => CliRun.CaptureAsync(args, (output, error) => new CliEnvironment
    {
        Out = output,
        Error = error,
        WorkingDirectory = Folder,
        ConfigurationOverrides = Settings,
        ReadEnvironmentVariables = false,
    });

    /// <summary>Writes a job spec file into <see cref="Folder"/>.</summary>
    public string WriteJob(string name, string json)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Emulator.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>heygen-render</c> with <paramref name="args"/> in the environment <paramref name="environment"/> builds around the captured output and error.</summary>
    public static async Task<CliRun> CaptureAsync(string[] args, Func<TextWriter, TextWriter, CliEnvironment> environment)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, environment(output, error));
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
