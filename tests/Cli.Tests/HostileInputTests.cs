using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using FluentAssertions;
using HeyGen.Client;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.TestSupport;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// The hostile-input table: every row is something an attacker (or a careless user) sends to a running <c>serve</c> over
/// real HTTP or drops into its inbox on Azurite. Each asserts the exact answer, and, from every blob request the host made
/// (recorded in its Azure SDK pipeline) and a snapshot of the storage account, that no victim blob was read or written,
/// nothing was written where the row's entry point may not write, nothing was lost, and no render was started.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.World world, ITestOutputHelper output) : IClassFixture<HostileInputTests.World>
{
    /// <summary>Another render's folder, present in the renders container but not in the task hub.</summary>
    public const string VictimRenderId = "r-abababababababababababababababab";

    private const string Inbox = "{inbox}", Renders = "{renders}", Events = "{events}", Failed = "{failed}", Receipts = "{receipts}", Private = "{private}";

    public enum Door { Spec, Inbox, Webhook, Route }

    /// <summary>The table: name, door, input and the exact expected answer.</summary>
    public static TheoryData<string> Rows
    {
        get
        {
            var rows = new TheoryData<string>();
            foreach (var row in Table)
            {
                rows.Add(row.Name);
            }

            return rows;
        }
    }

    private static readonly Row[] Table =
    [
        // Job specs over HTTP: blob assets only from the inbox.
        Spec("asset from another render's output", Avatar(background: Blob("r-abababababababababababababababab/video.mp4", Renders)), "avatar.background.image.container"),
        Spec("asset from the webhook-events container", Avatar(background: Blob("index/secret.json", Events)), "avatar.background.image.container"),
        Spec("asset from the failed-requests container", Avatar(background: Blob("victim.json", Failed)), "avatar.background.image.container"),
        Spec("asset from the inbox receipts", Avatar(background: Blob("victim-receipt", Receipts)), "avatar.background.image.container"),
        Spec("asset from an unrelated container", Avatar(background: Blob("secret.bin", Private)), "avatar.background.image.container"),
        Spec("asset from a task hub container", Avatar(background: Blob("x", "heygenrender-leases")), "avatar.background.image.container"),
        Spec("asset from the Functions host's secrets", Avatar(background: Blob("host.json", "azure-webjobs-secrets")), "avatar.background.image.container"),
        Spec("avatar audio from renders", Avatar(audio: Blob("r-abababababababababababababababab/video.mp4", Renders)), "avatar.audio.container"),
        Spec("image video's image from renders", """{"version": 1, "kind": "image", "image": {"image": {"blob": "r-abababababababababababababababab/thumbnail.jpg", "container": "{renders}"}, "script": "Hi.", "voice_id": "voice_1"}}""", "image.image.container"),
        Spec("lipsync video from renders", """{"version": 1, "kind": "lipsync", "lipsync": {"video": {"blob": "r-abababababababababababababababab/video.mp4", "container": "{renders}"}, "audio": {"blob": "a.mp3"}}}""", "lipsync.video.container"),
        Spec("translation source from webhook-events", """{"version": 1, "kind": "translation", "translation": {"video": {"blob": "index/secret.json", "container": "{events}"}, "output_languages": ["es"]}}""", "translation.video.container"),
        Spec("video agent attachment from failed", """{"version": 1, "kind": "video_agent", "video_agent": {"prompt": "A short clip.", "files": [{"blob": "ok.png"}, {"blob": "victim.json", "container": "{failed}"}]}}""", "video_agent.files[1].container"),
        Spec("asset blob name climbing out", Avatar(background: """{"blob": "../render-requests-failed/victim.json"}"""), "avatar.background.image.blob"),
        Spec("asset blob name absolute", Avatar(background: """{"blob": "/etc/passwd"}"""), "avatar.background.image.blob"),
        Spec("asset container not a container name", Avatar(background: """{"blob": "x.png", "container": "../renders"}"""), "avatar.background.image.container"),
        Spec("asset blob name blank (found by the fuzz test)", Avatar(background: """{"blob": "   "}"""), "avatar.background.image.blob"),
        Spec("unknown field with an empty name (found by the fuzz test)", """{"version": 1, "kind": "avatar", "": 1, "avatar": {"look_id": "l", "script": "Hi."}}""", "$[\"\"]"),
        Spec("unknown field with a 5,000-character name", "{\"version\": 1, \"kind\": \"avatar\", \"" + new string('n', 5_000) + "\": 1, \"avatar\": {\"look_id\": \"l\", \"script\": \"Hi.\"}}", "$[\"nnnnnnnnn"),
        Spec("asset with both container and url", Avatar(background: """{"url": "https://example.com/x.png", "container": "{inbox}"}"""), "avatar.background.image.container"),

        // Job specs over HTTP: outputs only into the render's own folder of an output container.
        Spec("output into the inbox", Avatar(output: """{"container": "{inbox}"}"""), "output.container"),
        Spec("output into failed requests", Avatar(output: """{"container": "{failed}"}"""), "output.container"),
        Spec("output into webhook-events", Avatar(output: """{"container": "{events}"}"""), "output.container"),
        Spec("output into the receipts", Avatar(output: """{"container": "{receipts}"}"""), "output.container"),
        Spec("output into an unrelated container", Avatar(output: """{"container": "{private}"}"""), "output.container"),
        Spec("output into a task hub container", Avatar(output: """{"container": "heygenrender-largemessages"}"""), "output.container"),
        Spec("output over another render's folder", Avatar(output: """{"prefix": "r-abababababababababababababababab"}"""), "output.prefix"),
        Spec("output inside another render's folder", Avatar(output: """{"prefix": "r-abababababababababababababababab/es"}"""), "output.prefix"),
        Spec("output prefix climbing out", Avatar(output: """{"prefix": "../render-requests"}"""), "output.prefix"),
        Spec("output prefix absolute", Avatar(output: """{"prefix": "/victim"}"""), "output.prefix"),
        Spec("output prefix with a backslash", Avatar(output: """{"prefix": "a\\b"}"""), "output.prefix"),

        // URL assets: HeyGen fetches them, from the internet.
        Spec("url over plain http", Avatar(background: """{"url": "http://example.com/bg.png"}"""), "avatar.background.image.url"),
        Spec("url with credentials", Avatar(background: """{"url": "https://user:secret@example.com/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to loopback", Avatar(background: """{"url": "https://127.0.0.1/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to the cloud metadata address", Avatar(background: """{"url": "https://169.254.169.254/latest/meta-data/"}"""), "avatar.background.image.url"),
        Spec("url to a private network", Avatar(background: """{"url": "https://10.1.2.3/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to a home network", Avatar(background: """{"url": "https://192.168.0.1/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to localhost", Avatar(background: """{"url": "https://localhost:8443/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to IPv6 loopback", Avatar(background: """{"url": "https://[::1]/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to IPv4-mapped loopback", Avatar(background: """{"url": "https://[::ffff:127.0.0.1]/bg.png"}"""), "avatar.background.image.url"),
        Spec("url to a single-label intranet host", Avatar(background: """{"url": "https://intranet/bg.png"}"""), "avatar.background.image.url"),
        Spec("url with the file scheme", Avatar(background: """{"url": "file:///etc/passwd"}"""), "avatar.background.image.url"),
        Spec("url with the javascript scheme", Avatar(background: """{"url": "javascript:alert(1)"}"""), "avatar.background.image.url"),

        // Bodies that are not a job spec at all.
        Raw("body is invalid UTF-8", [0xFF, 0xFE, 0x7B, 0x7D], 400, "invalid_job_spec", "byte offset 0"),
        Raw("body has invalid UTF-8 inside a string", Encoding.UTF8.GetBytes("{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"ab").Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}}"u8.ToArray()).ToArray(), 400, "invalid_job_spec", "byte 0xC3 at byte offset 73"),
        Raw("body escapes a lone surrogate", """{"version": 1, "kind": "avatar", "avatar": {"look_id": "l", "script": "\ud800"}}"""u8.ToArray(), 400, "invalid_job_spec", "lone surrogate"),
        Raw("body is empty", [], 400, "invalid_job_spec", "empty document"),
        Raw("body is a JSON array", "[]"u8.ToArray(), 400, "invalid_job_spec", "$"),
        Raw("body is JSON null", "null"u8.ToArray(), 400, "invalid_job_spec", "$"),
        Raw("body nests 100 deep", Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100)), 400, "invalid_job_spec", "malformed JSON"),
        Raw("body repeats a field", """{"version": 1, "kind": "avatar", "kind": "lipsync", "avatar": {"look_id": "l", "script": "Hi."}}"""u8.ToArray(), 400, "invalid_job_spec", "kind"),
        Raw("body over 256 KiB", Encoding.UTF8.GetBytes("{\"title\": \"" + new string('x', 300 * 1024) + "\"}"), 413, "request_too_large", "at most"),
        Raw("idempotency key of 300 characters", Encoding.UTF8.GetBytes(Avatar()), 400, "invalid_idempotency_key", "printable ASCII", idempotencyKey: new string('k', 300)),

        // Inbox blobs: each is moved aside with its report, and the watcher keeps going.
        Drop("empty blob", [], "empty document"),
        Drop("binary blob named .json", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF], "not valid UTF-8"),
        Drop("invalid UTF-8 (FF FE)", [0xFF, 0xFE], "byte 0xFF at byte offset 0"),
        Drop("lone surrogate", """{"version": 1, "kind": "avatar", "avatar": {"look_id": "l", "script": "\udc00"}}"""u8.ToArray(), "lone surrogate"),
        Drop("over 256 KiB", Encoding.UTF8.GetBytes("{\"title\": \"" + new string('y', 300 * 1024) + "\"}"), "limit 262,144"),
        Drop("content type that lies", Encoding.UTF8.GetBytes(Avatar(background: Blob("r-abababababababababababababababab/video.mp4", Renders))), "avatar.background.image.container", contentType: "image/png"),
        Drop("job reading the webhook index", Encoding.UTF8.GetBytes(Avatar(background: Blob("index/secret.json", Events))), "avatar.background.image.container"),
        Drop("job writing into the inbox", Encoding.UTF8.GetBytes(Avatar(output: """{"container": "{inbox}"}""")), "output.container"),
        Drop("job writing over another render", Encoding.UTF8.GetBytes(Avatar(output: """{"prefix": "r-abababababababababababababababab"}""")), "output.prefix"),
        Drop("byte order mark then a hostile job", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(Avatar(background: Blob("victim.json", Failed)))], "avatar.background.image.container"),
        Drop("JSON null", "null"u8.ToArray(), "$"),

        // Webhooks: only signed, fresh, well-formed deliveries for a render of this host get through.
        Hook("unsigned", WebhookBody("evt_unsigned"), 401, "invalid_signature", sign: false),
        Hook("signature of another body", WebhookBody("evt_other"), 401, "invalid_signature", mutate: d => d with { Body = WebhookBody("evt_swapped") }),
        Hook("wrong secret", WebhookBody("evt_wrong_secret"), 401, "invalid_signature", secret: "whsec_not_the_secret"),
        Hook("timestamp ten minutes old", WebhookBody("evt_stale"), 401, "invalid_signature", age: TimeSpan.FromMinutes(10)),
        Hook("timestamp ten minutes ahead", WebhookBody("evt_future"), 401, "invalid_signature", age: TimeSpan.FromMinutes(-10)),
        Hook("signed malformed JSON", "{\"event_type\": "u8.ToArray(), 400, "malformed_body"),
        Hook("signed invalid UTF-8", [0x7B, 0xFF, 0x7D], 400, "malformed_body"),
        Hook("signed lone surrogate", """{"event_type": "avatar_video.success", "event_id": "evt_sur", "event_data": {"video_id": "\ud800"}}"""u8.ToArray(), 400, "malformed_body"),
        Hook("signed JSON array", "[]"u8.ToArray(), 400, "malformed_body"),
        Hook("header event id other than the signed one", WebhookBody("evt_body"), 400, "event_id_mismatch", headerEventId: "evt_header"),
        Hook("webhook body over 256 KiB", Encoding.UTF8.GetBytes("{\"event_type\": \"avatar_video.success\", \"pad\": \"" + new string('z', 300 * 1024) + "\"}"), 413, "payload_too_large"),
        Hook("signed event whose video_id is a number (found by the fuzz test)", """{"event_type": "video_agent.success", "event_id": "evt_num", "event_data": {"video_id": 42}}"""u8.ToArray(), 400, "malformed_body"),
        Hook("signed event with a 6,000-character event id (found by the fuzz test)", Encoding.UTF8.GetBytes("{\"event_type\": \"avatar_video.success\", \"event_id\": \"" + new string('e', 6_000) + "\", \"event_data\": {\"video_id\": \"v\"}}"), 400, "malformed_body"),
        Hook("signed event with a control character in video_id", """{"event_type": "avatar_video.success", "event_id": "evt_ctl", "event_data": {"video_id": "v\u0007"}}"""u8.ToArray(), 400, "malformed_body"),
        // Journaled and acknowledged, then dropped by the dispatcher (no such render here); the row waits for that too.
        Hook("signed event for another host's render", WebhookBody("evt_victim", callbackId: VictimRenderId), 200, "received"),
        Hook("signed event with a path as callback id", WebhookBody("evt_path", callbackId: "../../renders/r-abababababababababababababababab"), 200, "received"),
        Hook("captured delivery replayed with a fresh timestamp", WebhookBody("evt_replayed"), 200, "duplicate", replay: true),

        // Status and cancel routes.
        Route("status of an unknown render", HttpMethod.Get, "/api/renders/r-00000000000000000000000000000000", 404, "render_not_found"),
        Route("status of another host's render folder", HttpMethod.Get, $"/api/renders/{VictimRenderId}", 404, "render_not_found"),
        Route("status with an encoded path", HttpMethod.Get, "/api/renders/..%2F..%2Frenders", 404, "render_not_found"),
        Route("status with uppercase id", HttpMethod.Get, "/api/renders/R-ABABABABABABABABABABABABABABABAB", 404, "render_not_found"),
        Route("status with a 300-character id", HttpMethod.Get, "/api/renders/r-" + new string('a', 298), 404, "render_not_found"),
        Route("status with a NUL in the id", HttpMethod.Get, "/api/renders/r-a%00b", 400, null), // Kestrel refuses it before routing
        Route("cancel of an unknown render", HttpMethod.Post, "/api/renders/r-00000000000000000000000000000000/cancel", 404, "render_not_found"),
        Route("cancel of another host's render folder", HttpMethod.Post, $"/api/renders/{VictimRenderId}/cancel", 404, "render_not_found"),
        Route("cancel with an encoded path", HttpMethod.Post, "/api/renders/%2e%2e/cancel", 404, null), // normalised to /api/cancel: no such route
        Route("cancel by GET", HttpMethod.Get, $"/api/renders/{VictimRenderId}/cancel", 405, null),
        Route("delete a render", HttpMethod.Delete, $"/api/renders/{VictimRenderId}", 405, null),
        Route("file of an unknown render", HttpMethod.Get, "/api/renders/r-00000000000000000000000000000000/files/video.mp4", 404, "file_not_found"),
        Route("file of another host's render folder", HttpMethod.Get, $"/api/renders/{VictimRenderId}/files/video.mp4", 404, "file_not_found"),
        Route("file that is not a render file", HttpMethod.Get, $"/api/renders/{VictimRenderId}/files/job.json", 404, "file_not_found"),
        Route("file path climbing out", HttpMethod.Get, $"/api/renders/{VictimRenderId}/files/..%2F..%2Fwebhook-events%2Findex%2Fsecret.json", 404, "file_not_found"),
        Route("file in a folder that is not a language", HttpMethod.Get, $"/api/renders/{VictimRenderId}/files/a%2Fb%2Fvideo.mp4", 404, "file_not_found"),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task HostileInput_GetsItsExactAnswer_AndTouchesNothingItMayNot(string name)
    {
        var row = Table.Single(r => r.Name == name);
        var before = await world.SnapshotAsync();
        world.Recorder.Clear();

        var answer = await world.SendAsync(row);
        output.WriteLine($"{row.Door} '{row.Name}': {answer}");

        answer.Should().Be(row.Expected, "each hostile input has one right answer");
        var accesses = world.Recorder.Accesses;
        accesses.Where(world.TouchesVictim).Should().BeEmpty("no victim blob may be read or written");
        accesses.Where(a => a.IsWrite && !world.MayWrite(row.Door, a)).Should().BeEmpty("a {0} input may write only its own bookkeeping", row.Door);
        (await world.SnapshotAsync()).Should().Equal(before, "no victim blob changed or went");
        (await world.InstancesAsync()).Should().Be(0, "no hostile input starts a render");
    }

    [Fact]
    public void Table_HasAtLeastSixtyRows_AcrossEveryDoor()
    {
        Table.Length.Should().BeGreaterThanOrEqualTo(60);
        Table.Select(r => r.Door).Distinct().Should().BeEquivalentTo(Enum.GetValues<Door>());
        Table.Select(r => r.Name).Should().OnlyHaveUniqueItems();
    }

    // ---- rows ----

    private static string Avatar(string? background = null, string? audio = null, string? output = null)
    {
        var avatar = new StringBuilder("""{"look_id": "look_emulator_anna_office", """);
        avatar.Append(audio is null ? "\"script\": \"Hello.\"" : $"\"audio\": {audio}");
        if (background is not null)
        {
            avatar.Append($", \"background\": {{\"image\": {background}}}");
        }

        avatar.Append('}');
        return $$"""{"version": 1, "kind": "avatar", "avatar": {{avatar}}{{(output is null ? "" : $", \"output\": {output}")}}}""";
    }

    private static string Blob(string name, string container) => $$"""{"blob": "{{name}}", "container": "{{container}}"}""";

    private static Row Spec(string name, string json, string field) =>
        new(name, Door.Spec, Encoding.UTF8.GetBytes(json), new Answer(400, "invalid_job_spec", field));

    private static Row Raw(string name, byte[] body, int status, string code, string detail, string? idempotencyKey = null) =>
        new(name, Door.Spec, body, new Answer(status, code, detail)) { IdempotencyKey = idempotencyKey };

    private static Row Drop(string name, byte[] blob, string reportSays, string contentType = "application/json") =>
        new(name, Door.Inbox, blob, new Answer(0, "moved_aside", reportSays)) { ContentType = contentType };

    private static Row Hook(string name, byte[] body, int status, string code, bool sign = true, string? secret = null, TimeSpan? age = null,
        string? headerEventId = null, bool replay = false, Func<Delivery, Delivery>? mutate = null) =>
        new(name, Door.Webhook, body, new Answer(status, code, null))
        {
            Sign = sign, Secret = secret, Age = age ?? TimeSpan.Zero, HeaderEventId = headerEventId, Replay = replay, Mutate = mutate,
        };

    private static Row Route(string name, HttpMethod method, string path, int status, string? code) =>
        new(name, Door.Route, [], new Answer(status, code, null)) { Method = method, Path = path };

    private static byte[] WebhookBody(string eventId, string callbackId = "r-11111111111111111111111111111111") =>
        JsonSerializer.SerializeToUtf8Bytes(new { event_type = "avatar_video.success", event_id = eventId, event_data = new { video_id = "vid_" + eventId, callback_id = callbackId, url = "https://example.com/v.mp4" } });

    public sealed record Row(string Name, Door Door, byte[] Body, Answer Expected)
    {
        public string? IdempotencyKey { get; init; }

        public string ContentType { get; init; } = "application/json";

        public bool Sign { get; init; } = true;

        public string? Secret { get; init; }

        public TimeSpan Age { get; init; }

        public string? HeaderEventId { get; init; }

        public bool Replay { get; init; }

        public Func<Delivery, Delivery>? Mutate { get; init; }

        public HttpMethod Method { get; init; } = HttpMethod.Post;

        public string Path { get; init; } = "/api/renders";
    }

    /// <summary>What came back: the HTTP status and error code (or webhook status/reason), and a detail the answer must contain.</summary>
    public sealed record Answer(int Status, string? Code, string? Detail);

    public sealed record Delivery(byte[] Body, IReadOnlyDictionary<string, string> Headers);

    // ---- the world ----

    /// <summary>One <c>serve</c> on Azurite with a recorder on its blob client, and victims in every container a job must not reach.</summary>
    public sealed class World : IAsyncLifetime
    {
        private readonly AzuriteFixture _azurite = new();
        private CliTestHost _host = null!;
        private HttpClient _http = null!;
        private string _private = null!;
        private readonly HashSet<(string Container, string Blob)> _victims = [];

        public StorageAccessRecorder Recorder { get; } = new();

        private BlobServiceClient Blobs => _host.Blobs;

        private string Container(string token) => token switch
        {
            Inbox => _host.Requests,
            Renders => _host.Renders,
            Events => _host.Settings["Storage:WebhookEventsContainer"]!,
            Failed => _host.Failed,
            Receipts => _host.Settings["Inbox:ReceiptsContainer"]!,
            Private => _private,
            _ => token,
        };

        private string Resolve(string text) =>
            new[] { Inbox, Renders, Events, Failed, Receipts, Private }.Aggregate(text, (t, token) => t.Replace(token, Container(token), StringComparison.Ordinal));

        public async Task InitializeAsync()
        {
            await _azurite.InitializeAsync();
            var options = new BlobClientOptions();
            options.AddPolicy(Recorder, HttpPipelinePosition.PerCall);
            _host = await CliTestHost.StartAsync(_azurite, services: s => s.AddSingleton(options));
            _http = new HttpClient { BaseAddress = _host.Host.BaseAddress };
            _private = AzuriteFixture.UniqueContainerName("private");

            // Victims: another render's outputs, the pipeline's own state, an unrelated container.
            await PlantAsync(_host.Renders, $"{VictimRenderId}/video.mp4");
            await PlantAsync(_host.Renders, $"{VictimRenderId}/result.json");
            await PlantAsync(Container(Events), "index/secret.json");
            await PlantAsync(_host.Failed, "victim.json");
            await PlantAsync(Container(Receipts), "victim-receipt");
            await PlantAsync(_private, "secret.bin");
            await PlantAsync(_host.Requests, "a.mp3", victim: false);
            await PlantAsync(_host.Requests, "ok.png", victim: false);
        }

        public async Task DisposeAsync()
        {
            _http.Dispose();
            await _host.DisposeAsync();
            await _azurite.DisposeAsync();
        }

        public bool TouchesVictim(StorageAccess access) =>
            access.Container == _private || (access.Blob is { } blob && _victims.Contains((access.Container, blob)));

        /// <summary>Writes a door may make: the inbox moves a bad blob aside (failed container, delete from the inbox) and keeps receipts; webhooks keep de-duplication markers.</summary>
        public bool MayWrite(Door door, StorageAccess write) => door switch
        {
            Door.Inbox => write.Container == _host.Failed || write.Container == _host.Requests || write.Container == Container(Receipts),
            Door.Webhook => write.Container == Container(Events) && (write.Blob is not { } blob || !_victims.Contains((write.Container, blob))),
            _ => write.Container == Container(Receipts), // the watcher's bookkeeping, in the background
        };

        /// <summary>Every victim blob with its ETag, sorted.</summary>
        public async Task<IReadOnlyList<string>> SnapshotAsync()
        {
            var snapshot = new List<string>();
            foreach (var container in new[] { _host.Renders, Container(Events), _host.Failed, _private })
            {
                await foreach (var blob in Blobs.GetBlobContainerClient(container).GetBlobsAsync())
                {
                    if (_victims.Contains((container, blob.Name)))
                    {
                        snapshot.Add($"{container}/{blob.Name}@{blob.Properties.ETag}");
                    }
                }
            }

            return [.. snapshot.Order(StringComparer.Ordinal)];
        }

        public async Task<int> InstancesAsync()
        {
            var count = 0;
            await foreach (var _ in _host.Host.Orchestrations.GetAllInstancesAsync(new OrchestrationQuery()))
            {
                count++;
            }

            return count;
        }

        public Task<Answer> SendAsync(Row row) => row.Door switch
        {
            Door.Spec => PostSpecAsync(row),
            Door.Inbox => DropAsync(row),
            Door.Webhook => DeliverAsync(row),
            _ => RouteAsync(row),
        };

        private async Task<Answer> PostSpecAsync(Row row)
        {
            var body = Encoding.UTF8.GetString(row.Body) is var text && text.Contains('{', StringComparison.Ordinal) && !row.Body.Any(b => b >= 0x80)
                ? Encoding.UTF8.GetBytes(Resolve(text))
                : row.Body;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/renders") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            if (row.IdempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation(RenderApi.IdempotencyKeyHeader, row.IdempotencyKey);
            }

            using var response = await _http.SendAsync(request);
            return await ReadErrorAsync(response, row.Expected.Detail);
        }

        private async Task<Answer> DropAsync(Row row)
        {
            var name = $"hostile/{Guid.NewGuid():N}.json";
            var body = row.Body.Any(b => b >= 0x80) ? row.Body : Encoding.UTF8.GetBytes(Resolve(Encoding.UTF8.GetString(row.Body)));
            await Blobs.GetBlobContainerClient(_host.Requests).GetBlobClient(name)
                .UploadAsync(BinaryData.FromBytes(body), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = row.ContentType } });

            // Moved aside with its report: the original bytes kept, the report naming the problem.
            var failed = Blobs.GetBlobContainerClient(_host.Failed);
            var report = failed.GetBlobClient(InboxHandler.ErrorReportName(name));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!await report.ExistsAsync(timeout.Token) || await Blobs.GetBlobContainerClient(_host.Requests).GetBlobClient(name).ExistsAsync(timeout.Token))
            {
                await Task.Delay(25, timeout.Token);
            }

            var kept = (await failed.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            if (!kept.SequenceEqual(body))
            {
                return new Answer(0, "lost", "the failed container does not hold the original bytes");
            }

            var text = (await report.DownloadContentAsync()).Value.Content.ToString();
            return new Answer(0, "moved_aside", text.Contains(Resolve(row.Expected.Detail!), StringComparison.Ordinal) ? row.Expected.Detail : text);
        }

        private async Task<Answer> DeliverAsync(Row row)
        {
            var secret = row.Secret ?? _host.Host.Services.GetRequiredService<IConfiguration>()[CliConfiguration.WebhookSecret]!;
            Delivery Sign(DateTimeOffset at)
            {
                var eventId = row.HeaderEventId ?? BodyEventId(row.Body) ?? "evt_none";
                var headers = WebhookSigner.CreateHeaders(row.Body, secret, at, eventId);
                return new Delivery(row.Body, row.Sign ? headers : new Dictionary<string, string>());
            }

            if (row.Replay)
            {
                // The first delivery is captured, then sent again later under a fresh timestamp.
                var first = await PostWebhookAsync(Sign(TimeProvider.System.GetUtcNow()));
                if (first.Code != "received")
                {
                    return first;
                }
            }

            var delivery = Sign(TimeProvider.System.GetUtcNow() - row.Age);
            var answer = await PostWebhookAsync(row.Mutate?.Invoke(delivery) ?? delivery);
            await JournalDispatchedAsync();
            return answer;
        }

        // A received delivery is dispatched after the answer: wait until serve's journal is empty, so that what the
        // dispatcher reads and writes belongs to this row.
        private async Task JournalDispatchedAsync()
        {
            var journal = new QueueServiceClient(_host.Settings["Storage:ConnectionString"]).GetQueueClient(_host.Settings["Storage:WebhookEventsContainer"]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await journal.ExistsAsync(timeout.Token) && (await journal.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount > 0)
            {
                await Task.Delay(25, timeout.Token);
            }
        }

        private async Task<Answer> PostWebhookAsync(Delivery delivery)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/heygen") { Content = new ByteArrayContent(delivery.Body) };
            foreach (var (header, value) in delivery.Headers)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            using var response = await _http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var ok = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                return new Answer(200, ok.TryGetProperty("reason", out var reason) ? reason.GetString() : ok.GetProperty("status").GetString(), null);
            }

            return await ReadErrorAsync(response, null);
        }

        private async Task<Answer> RouteAsync(Row row)
        {
            using var response = await _http.SendAsync(new HttpRequestMessage(row.Method, row.Path));
            return await ReadErrorAsync(response, null);
        }

        private static async Task<Answer> ReadErrorAsync(HttpResponseMessage response, string? detail)
        {
            var text = await response.Content.ReadAsStringAsync();
            string? code = null;
            if (text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("error", out var error))
            {
                code = error.GetProperty("code").GetString();
            }

            // The detail must be in the answer: a field name ("avatar.audio.container") or a phrase of the message.
            var found = detail is null ? null : text.Contains(JsonEncodedText.Encode(detail).ToString(), StringComparison.Ordinal) || text.Contains(detail, StringComparison.Ordinal) ? detail : text;
            return new Answer((int)response.StatusCode, code, found);
        }

        private static string? BodyEventId(byte[] body)
        {
            try
            {
                return JsonDocument.Parse(body).RootElement.TryGetProperty("event_id", out var id) ? id.GetString() : null;
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                return null;
            }
        }

        private async Task PlantAsync(string container, string name, bool victim = true)
        {
            var client = Blobs.GetBlobContainerClient(container);
            await client.CreateIfNotExistsAsync();
            await client.GetBlobClient(name).UploadAsync(BinaryData.FromString("planted " + name), overwrite: true);
            if (victim)
            {
                _victims.Add((container, name));
            }
        }
    }
}
