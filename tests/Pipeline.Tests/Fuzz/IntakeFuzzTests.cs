using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using HeyGen.Client;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Tests.Support;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace HeyGenRender.Pipeline.Tests.Fuzz;

/// <summary>
/// Fuzzing with a fixed seed: valid job specs (the samples) and valid webhook bodies, mutated structurally and byte by
/// byte. Every case must get an answer (a spec or errors that each name a field; a verified event or a named failure),
/// quickly, without an exception; and through the real intake (the HTTP API's handler and the webhook handler, on Azurite
/// and the real engine) never a 5xx.
/// </summary>
public sealed class IntakeFuzzTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int Seed = 20261201;
    private const int Cases = 10_000;
    private const int IntakeCases = 1_000;
    private const string Secret = "whsec_fuzz";
    private static readonly TimeSpan s_slowestCase = TimeSpan.FromSeconds(1);

    private static readonly byte[][] s_specs = [.. Directory.GetFiles(RepoPaths.InRepo("samples"), "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    private static readonly byte[][] s_webhooks =
    [
        JsonSerializer.SerializeToUtf8Bytes(new { event_type = "avatar_video.success", event_id = "evt_1", event_data = new { video_id = "vid_1", url = "https://files.test/v.mp4", callback_id = "r-0123456789abcdef0123456789abcdef" } }),
        JsonSerializer.SerializeToUtf8Bytes(new { event_type = "avatar_video.fail", event_id = "evt_2", event_data = new { video_id = "vid_2", msg = "Bad voice" } }),
        JsonSerializer.SerializeToUtf8Bytes(new { event_type = "video_translate.success", event_id = "evt_3", event_data = new { video_translation_id = "tr_1", output_language = "Spanish", url = "https://files.test/t.mp4" } }),
        JsonSerializer.SerializeToUtf8Bytes(new { event_type = "video_agent.success", event_id = "evt_4", event_data = new { session_id = "sess_1", video_id = "vid_4" } }),
    ];

    [Fact(Timeout = 120_000)]
    public async Task JobSpecs_TenThousandMutants_EachParsedAndTrustCheckedWithAnAnswerNamingItsFields()
    {
        var mutator = new JsonMutator(Seed);
        var trust = new StorageTrustPolicy(Options.Create(new StorageOptions()));
        var (accepted, refused, slowest) = (0, 0, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        await Task.Run(() =>
        {
            for (var i = 0; i < Cases; i++)
            {
                var mutant = mutator.Mutate(s_specs[i % s_specs.Length]);
                var started = Stopwatch.GetTimestamp();
                var parsed = RenderJobSpecParser.Parse(mutant);
                var errors = parsed.Spec is { } spec ? trust.Check(spec, "r-0123456789abcdef0123456789abcdef") : parsed.Errors;
                slowest = Max(slowest, Stopwatch.GetElapsedTime(started));
                Assert.True(parsed.Spec is not null || parsed.Errors.Count > 0, $"case {i}: neither a spec nor errors");
                Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.Field) || string.IsNullOrEmpty(e.Message), $"case {i}: an error without field or message"));
                _ = errors.Count == 0 ? accepted++ : refused++;
            }
        });

        output.WriteLine($"{Cases:N0} job-spec mutants (seed {Seed}) in {clock.Elapsed.TotalSeconds:F2} s: {accepted:N0} valid, {refused:N0} refused; slowest case {slowest.TotalMilliseconds:F1} ms");
        Assert.True(slowest < s_slowestCase, $"a case took {slowest}");
        Assert.True(refused > Cases / 2 && accepted > 0, "the mutants should be mostly invalid, some still valid");
    }

    [Fact(Timeout = 120_000)]
    public async Task Webhooks_TenThousandSignedMutants_EachVerifiedAndParsedOrRefusedByName()
    {
        var mutator = new JsonMutator(Seed + 1);
        var verifier = new WebhookVerifier(Secret, new WebhookVerifierOptions());
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        await Task.Run(() =>
        {
            for (var i = 0; i < Cases; i++)
            {
                var mutant = mutator.Mutate(s_webhooks[i % s_webhooks.Length]);
                var headers = WebhookSigner.CreateHeaders(mutant, Secret, TimeProvider.System.GetUtcNow(), $"evt_{i}")
                    .Where(h => h.Key != WebhookVerifier.EventIdHeader) // the body's own event_id, where it has one, is the id
                    .Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value]));
                var started = Stopwatch.GetTimestamp();
                var result = verifier.Verify(mutant, headers);
                slowest = Max(slowest, Stopwatch.GetElapsedTime(started));
                var outcome = result.IsValid ? "verified" : result.Failure.ToString();
                Assert.True(result.IsValid ? result.Event is not null : !string.IsNullOrEmpty(result.Message), $"case {i}: {outcome} without an event or a message");
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        });

        output.WriteLine($"{Cases:N0} signed webhook mutants (seed {Seed + 1}) in {clock.Elapsed.TotalSeconds:F2} s: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value:N0}"))}; slowest case {slowest.TotalMilliseconds:F1} ms");
        Assert.True(slowest < s_slowestCase, $"a case took {slowest}");
        Assert.DoesNotContain(nameof(WebhookVerificationFailure.SignatureMismatch), outcomes.Keys); // signed: only the content can be wrong
    }

    [Fact(Timeout = 300_000)]
    public async Task JobSpecs_MutantsThroughTheRenderApi_NeverAnswer5xx()
    {
        var blobs = azurite.CreateServiceClient();
        var storage = new StorageOptions
        {
            RequestsContainer = AzuriteFixture.UniqueContainerName("in"),
            RendersContainer = AzuriteFixture.UniqueContainerName("out"),
            WebhookEventsContainer = AzuriteFixture.UniqueContainerName("events"),
        };
        var options = Options.Create(storage);
        await using var engine = await ScriptedRenderEngine.StartAsync();
        var starter = new RenderStarter(engine.Client, new RenderJobStore(blobs, options), new JobAssetChecker(blobs), new StorageTrustPolicy(options),
            new OutputFolderClaims(blobs, options), new RenderPlanner(Options.Create(new RenderWorkflowOptions())), NullLogger<RenderStarter>.Instance);
        var api = new RenderApi(starter, engine.Client);
        await PlantSampleAssetsAsync(blobs, storage.RequestsContainer);

        // The samples name the standard inbox; here it has another name, so point them at it.
        var seeds = s_specs.Select(s => System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(s).Replace("\"render-requests\"", $"\"{storage.RequestsContainer}\"", StringComparison.Ordinal))).ToArray();
        var mutator = new JsonMutator(Seed + 2);
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < IntakeCases; i++)
        {
            var response = await api.StartAsync(new MemoryStream(mutator.Mutate(seeds[i % seeds.Length])), idempotencyKey: $"fuzz-{i}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            Assert.True(response.StatusCode < 500, $"case {i}: {response.StatusCode} {response.Body}");
        }

        output.WriteLine($"{IntakeCases:N0} job-spec mutants through RenderApi in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.Contains(400, statuses.Keys);
    }

    [Fact(Timeout = 300_000)]
    public async Task Webhooks_SignedMutantsThroughTheWebhookIntake_NeverAnswer5xx()
    {
        var blobs = azurite.CreateServiceClient();
        var storage = Options.Create(new StorageOptions { WebhookEventsContainer = AzuriteFixture.UniqueContainerName("events") });
        await using var engine = await ScriptedRenderEngine.StartAsync();
        var secrets = new ConfigurationSecretProvider(new StaticOptionsMonitor<SecretsOptions>(new SecretsOptions { WebhookSecret = Secret }));
        var queues = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var journalOptions = Options.Create(new WebhookIntakeOptions { LocalDispatch = true });
        var journal = new WebhookJournal(QueueJournalStore.For(queues, storage.Value.WebhookQueueName, journalOptions), journalOptions, NullLogger<WebhookJournal>.Instance);
        var intake = new WebhookIntake(secrets, journal, new RecentEventIds(10_000), TimeProvider.System, Options.Create(new WebhookIntakeOptions()), NullLogger<WebhookIntake>.Instance);
        var dispatcher = new WebhookDispatcher(new WebhookDedupe(blobs, storage, TimeProvider.System), new BlobHeyGenJobIndex(blobs, storage), engine.Client, NullLogger<WebhookDispatcher>.Instance);
        var outcomes = new Dictionary<WebhookDispatchOutcome, int>();
        var mutator = new JsonMutator(Seed + 3);
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < IntakeCases; i++)
        {
            var mutant = mutator.Mutate(s_webhooks[i % s_webhooks.Length]);
            var headers = WebhookSigner.CreateHeaders(mutant, Secret, TimeProvider.System.GetUtcNow(), $"evt_fuzz_{i}")
                .Where(h => h.Key != WebhookVerifier.EventIdHeader)
                .Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value]));
            var response = await intake.HandleAsync(new MemoryStream(mutant), headers);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            Assert.True(response.StatusCode < 500, $"case {i}: {response.StatusCode} {response.Body}");

            // What was journaled is dispatched too: no mutant that passes the intake may break the dispatcher.
            while (journal.Written.TryRead(out var batch))
            {
                foreach (var outcome in await dispatcher.DispatchAllAsync(batch.Entries))
                {
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
            }
        }

        output.WriteLine($"{IntakeCases:N0} signed webhook mutants through WebhookIntake and WebhookDispatcher in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}; dispatched {string.Join(", ", outcomes.OrderBy(s => s.Key).Select(s => $"{WebhookDispatcher.OutcomeName(s.Key)} x{s.Value}"))}");
        Assert.DoesNotContain(WebhookDispatchOutcome.Retry, outcomes.Keys);
    }

    private static async Task PlantSampleAssetsAsync(BlobServiceClient blobs, string inbox)
    {
        var container = blobs.GetBlobContainerClient(inbox);
        await container.CreateIfNotExistsAsync();
        foreach (var spec in s_specs)
        {
            var parsed = RenderJobSpecParser.ParseValid(spec);
            foreach (var (_, asset) in parsed.Assets().Where(a => a.Asset.IsBlob))
            {
                await container.GetBlobClient(asset.BlobName).UploadAsync(BinaryData.FromString("asset"), overwrite: true);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
