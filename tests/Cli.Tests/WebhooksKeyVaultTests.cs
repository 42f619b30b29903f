using System.Globalization;
using System.Text;
using Azure.Core;
using FluentAssertions;
using HeyGen.Client;
using HeyGen.Emulator;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// <c>webhooks register</c> / <c>rotate</c> with <c>Secrets__KeyVaultUri</c> set, as the azd post-deploy hook runs them:
/// the real <c>SecretClient</c> against the fake vault (challenge auth, GET and PUT), the API key read from the vault,
/// and the pipeline's own webhook intake verifying deliveries with what the command stored.
/// </summary>
public sealed class WebhooksKeyVaultTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Url = "https://func.example.net/api/webhooks/heygen";

    private readonly FakeCredential _credential = new();
    private readonly ManualTimeProvider _time = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("cli-kv-").FullName;
    private HeyGenEmulatorHost _emulator = null!;
    private FakeKeyVault _vault = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "kv-ops-key" });
        _vault = await FakeKeyVault.StartAsync(_time);
        _vault.SetSecret(SecretNames.HeyGenApiKey, _emulator.ApiKey);
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        await _emulator.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task WebhooksRegister_KeyVaultUriSet_StoresTheSigningSecretInTheVaultWithTheKeyReadFromIt()
    {
        var run = await RunAsync("webhooks", "register", "--url", Url);

        run.ExitCode.Should().Be(ExitCodes.Success, run.ToString());
        var secret = _vault.GetSecret(SecretNames.WebhookSecret);
        secret.Should().StartWith("whsec_", "the secret HeyGen returned for the new endpoint");
        _vault.GetVersions(SecretNames.WebhookSecretPrevious).Should().BeEmpty("a first registration has nothing to keep");
        _vault.Reads.Should().Contain(SecretNames.HeyGenApiKey, "the API key comes from the vault, as in the post-deploy hook");
        _vault.Writes.Should().Equal(SecretNames.WebhookSecret);
        _credential.Scopes.Distinct().Should().Equal($"{FakeKeyVault.Resource}/.default");
        run.Output.Should().Contain(SecretNames.WebhookSecret).And.Contain(_vault.VaultUri.ToString());
        (run.Output + run.Error).Should().NotContain(secret, "a secret is never printed").And.NotContain(_emulator.ApiKey);
    }

    [Fact]
    public async Task WebhooksRotate_KeyVaultUriSet_NewSecretCurrentOldOnePrevious_PipelineVerifiesDeliveriesSignedWithEither()
    {
        var register = await RunAsync("webhooks", "register", "--url", Url);
        var registered = _vault.GetSecret(SecretNames.WebhookSecret)!;
        await using var pipeline = PipelineServices();
        var intake = pipeline.GetRequiredService<WebhookIntake>();
        var beforeRotation = await DeliverAsync(intake, registered);

        var rotate = await RunAsync("webhooks", "rotate");
        var rotated = _vault.GetSecret(SecretNames.WebhookSecret)!;

        rotate.ExitCode.Should().Be(ExitCodes.Success, rotate.ToString());
        rotated.Should().StartWith("whsec_").And.NotBe(registered);
        _vault.GetSecret(SecretNames.WebhookSecretPrevious).Should().Be(registered, "events signed with the old secret must still verify during the switch");
        _vault.GetVersions(SecretNames.WebhookSecret).Select(v => v.Value).Should().Equal(registered, rotated);

        beforeRotation.StatusCode.Should().Be(200, beforeRotation.Body);
        // The running pipeline has the registered secret cached: a mismatch makes it read the vault again.
        var signedWithNew = await DeliverAsync(intake, rotated);
        signedWithNew.StatusCode.Should().Be(200, signedWithNew.Body);
        var signedWithPrevious = await DeliverAsync(intake, registered);
        signedWithPrevious.StatusCode.Should().Be(200, signedWithPrevious.Body);
        var signedWithOther = await DeliverAsync(intake, "whsec_not-the-endpoints-secret");
        signedWithOther.StatusCode.Should().Be(401, "only the endpoint's current and previous secrets verify");

        var output = register.Output + register.Error + rotate.Output + rotate.Error;
        output.Should().NotContain(registered, "a secret is never printed").And.NotContain(rotated, "a secret is never printed");
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRun.CaptureAsync(args, (output, error) => new CliEnvironment
    {
        Out = output,
        Error = error,
        WorkingDirectory = _folder,
        ConfigurationOverrides = new Dictionary<string, string?>
        {
            [SecretsOptions.KeyVaultUriKey] = _vault.VaultUri.ToString(),
            ["HeyGen:Endpoint"] = _emulator.BaseAddress.ToString(),
        },
        ReadEnvironmentVariables = false,
        AzureCredential = _credential,
        KeyVaultClientOptions = _vault.CreateClientOptions(),
    });

    /// <summary>The pipeline's own registrations (as the Functions app makes them) over the same vault.</summary>
    private ServiceProvider PipelineServices()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SecretsOptions.KeyVaultUriKey] = _vault.VaultUri.ToString(),
            // Only the webhook journal is written: the intake answers once a delivery is in it; nothing dispatches it here.
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:WebhookEventsContainer"] = AzuriteFixture.UniqueContainerName("events"),
        }).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton<TokenCredential>(_credential)
            .AddSingleton(_vault.CreateClientOptions())
            // Nothing is dispatched here: the client points nowhere and is never called.
            .AddDurableTaskClient(b => b.UseGrpc(Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:9")))
            .AddRenderIntake(configuration)
            .BuildServiceProvider();
    }

    private async Task<Pipeline.Api.ApiResponse> DeliverAsync(WebhookIntake intake, string secret)
    {
        var body = Encoding.UTF8.GetBytes("""{"event_type":"avatar_video.success","event_data":{}}""");
        var headers = new Dictionary<string, IEnumerable<string>>
        {
            [WebhookVerifier.SignatureHeader] = [WebhookSigner.ComputeSignature(body, secret)],
            [WebhookVerifier.TimestampHeader] = [_time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
        };
        return await intake.HandleAsync(new MemoryStream(body), headers);
    }
}
