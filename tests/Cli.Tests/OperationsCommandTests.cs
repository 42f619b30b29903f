using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using HeyGen.Emulator;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Cli.Tests;

/// <summary>The commands around a render: <c>webhooks</c>, <c>credits</c>, <c>emulator</c>, and option parsing of <c>render</c>.</summary>
public sealed class OperationsCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cli-ops-").FullName;
    private HeyGenEmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "ops-key" });

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Render_UnknownOptionAfterJob_ExitsTwoNamingTheOption()
    {
        File.WriteAllText(Path.Combine(_folder, "job.json"), RenderCommandTests.AvatarJob);

        var run = await RunAsync(default, "render", "job.json", "--bogus", "value");

        run.ExitCode.Should().Be(ExitCodes.BadInput, run.ToString());
        run.Error.Should().Contain("unknown option '--bogus'").And.NotContain("no such file");
    }

    [Fact]
    public async Task WebhooksRegisterThenRotate_ConfigFile_PipelineReadsCurrentSecretAndKeepsOldAsPrevious()
    {
        var settings = Path.Combine(_folder, "settings.json");
        File.WriteAllText(settings, new JsonObject
        {
            ["Secrets"] = new JsonObject { ["HeyGenApiKey"] = _emulator.ApiKey },
            ["HeyGen"] = new JsonObject { ["Endpoint"] = _emulator.BaseAddress.ToString() },
        }.ToJsonString());

        var register = await RunAsync(default, "webhooks", "register", "--url", "https://app.example.com/api/webhooks/heygen", "--config", "settings.json");
        var registered = await ReadSecretsAsync(settings);
        var rotate = await RunAsync(default, "webhooks", "rotate", "--config", "settings.json");
        var rotated = await ReadSecretsAsync(settings);

        register.ExitCode.Should().Be(0, register.ToString());
        rotate.ExitCode.Should().Be(0, rotate.ToString());
        registered.Current.Should().NotBeNullOrEmpty();
        registered.Previous.Should().BeNull();
        rotated.Current.Should().NotBeNullOrEmpty().And.NotBe(registered.Current);
        rotated.Previous.Should().Be(registered.Current, "events signed with the old secret must still verify during the switch");
        (register.Output + rotate.Output).Should().NotContain(registered.Current).And.NotContain(rotated.Current, "a secret is never printed");
    }

    [Fact]
    public void PostDeployHook_WebhooksRegisterLine_ParsesWithoutErrorsAndUsesKeyVault()
    {
        var hook = File.ReadAllText(RepoPaths.InRepo("infra", "hooks", "postdeploy.sh"));
        var line = Regex.Match(hook, @"^\s*(?<args>webhooks register .*)$", RegexOptions.Multiline).Groups["args"].Value;
        var args = line.Replace("\"$HEYGEN_WEBHOOK_URL\"", "https://func.example.net/api/webhooks/heygen", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var parsed = CliApplication.BuildRootCommand(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null }).Parse(args);

        line.Should().NotBeEmpty();
        parsed.Errors.Should().BeEmpty(line);
        hook.Should().Contain("Secrets__KeyVaultUri=\"$AZURE_KEY_VAULT_URI\"", "the command line reads the key from, and stores the secret in, Key Vault");
    }

    [Fact]
    public async Task Credits_ConfiguredKey_PrintsTheWalletBalanceFromTheTypedUser()
    {
        var run = await RunAsync(new Dictionary<string, string?>
        {
            ["Secrets:HeyGenApiKey"] = _emulator.ApiKey,
            ["HeyGen:Endpoint"] = _emulator.BaseAddress.ToString(),
        }, "credits");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("billing: wallet").And.Contain(FormattableString.Invariant($"remaining: {_emulator.State.CreditBalance:0.####} credits"));
    }

    [Fact]
    public async Task Emulator_Urls_ListensOnTheGivenAddress()
    {
        var port = FreeLoopbackPort();
        var output = new SignallingWriter("listening on");
        using var stop = new CancellationTokenSource();
        var environment = new CliEnvironment { Out = output, Error = new StringWriter(), WorkingDirectory = _folder, ReadEnvironmentVariables = false };

        var running = CliApplication.RunAsync(["emulator", "--urls", $"http://127.0.0.1:{port}", "--api-key", "urls-key"], environment, stop.Token);
        await Task.WhenAny(output.Seen, running);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/v3/users/me");
        request.Headers.Add("X-Api-Key", "urls-key");
        using var response = await http.SendAsync(request);
        await stop.CancelAsync();
        var exitCode = await running;

        output.ToString().Should().Contain($"http://127.0.0.1:{port}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        exitCode.Should().Be(0);
    }

    [Fact]
    public async Task Emulator_PortInUse_ExitsThreeNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var run = await RunAsync(default, "emulator", "--urls", url);

        run.ExitCode.Should().Be(ExitCodes.Unavailable, run.ToString());
        run.Error.Should().Contain(url);
    }

    private static async Task<(string? Current, string? Previous)> ReadSecretsAsync(string settingsFile)
    {
        // The pipeline's own secret provider over the file, as serve --config settings.json reads it.
        var configuration = new ConfigurationBuilder().AddJsonFile(settingsFile).Build();
        await using var services = new ServiceCollection().AddLogging().AddRenderIntake(configuration).BuildServiceProvider();
        var secrets = services.GetRequiredService<ISecretProvider>();
        return (await secrets.GetSecretAsync(SecretNames.WebhookSecret), await secrets.GetSecretAsync(SecretNames.WebhookSecretPrevious));
    }

    private Task<CliRun> RunAsync(IReadOnlyDictionary<string, string?>? settings, params string[] args) => CliRun.CaptureAsync(args, (output, error) => new CliEnvironment
    {
        Out = output,
        Error = error,
        WorkingDirectory = _folder,
        ConfigurationOverrides = settings ?? new Dictionary<string, string?>(),
        ReadEnvironmentVariables = false,
    });

    // The OS hands out a free port for port 0; released at once so the command can bind it.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Captures output and completes <see cref="Seen"/> once a written line contains the marker.</summary>
    private sealed class SignallingWriter(string marker) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override Encoding Encoding => Encoding.UTF8;

        public override Task WriteLineAsync(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
            {
                _seen.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
