using HeyGen.Client.Tests.Support;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Logging;

namespace HeyGen.Client.Tests;

public sealed class ApiKeyProviderTests : IAsyncLifetime
{
    private const string UserJson = """{"data":{"username":"ada","email":"ada@example.com","first_name":"Ada","last_name":"L"}}""";
    private const string UnauthorizedJson = """{"error":{"code":"unauthorized","message":"Invalid API key"}}""";
    private readonly ManualTimeProvider _time = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _server.Handler = (ctx, r) => r.Header("X-Api-Key") == "fresh-key"
            ? LoopbackServer.Json(ctx, 200, UserJson)
            : LoopbackServer.Json(ctx, 401, UnauthorizedJson);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Send_401ThenRefreshedKey_RefreshesOnceAndRetriesWithTheNewKey()
    {
        var provider = new RotatingProvider("stale-key", "fresh-key");
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.ApiKeyProvider = provider);

        var user = await client.Users.GetCurrentAsync();

        Assert.Equal("ada", user.Username);
        Assert.Equal(["stale-key"], provider.Rejected);
        Assert.Equal(["stale-key", "fresh-key"], _server.Requests.Select(r => r.Header("X-Api-Key")));
    }

    [Fact]
    public async Task Send_401ForANonIdempotentCreate_AlsoRetriesOnceAfterRefresh()
    {
        // A 401 means nothing was created, so the one retry with a fresh key is safe for any method.
        _server.Handler = (ctx, r) => r.Header("X-Api-Key") == "fresh-key"
            ? LoopbackServer.Json(ctx, 200, """{"data":{"video_id":"v9","status":"waiting"}}""")
            : LoopbackServer.Json(ctx, 401, UnauthorizedJson);
        var provider = new RotatingProvider("stale-key", "fresh-key");
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.ApiKeyProvider = provider);

        var created = await client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "hi" });

        Assert.Equal("v9", created.VideoId);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_401AgainAfterRefresh_ThrowsUnauthorizedWithoutLooping()
    {
        var provider = new RotatingProvider("stale-key", "also-bad");
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.ApiKeyProvider = provider);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Users.GetCurrentAsync());

        Assert.Equal(401, ex.Status);
        Assert.Equal(HeyGenErrorCode.Unauthorized, ex.ErrorCode);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Single(provider.Rejected);
    }

    [Fact]
    public async Task Send_401WithAFixedKey_ThrowsAfterOneRequest()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Users.GetCurrentAsync());

        Assert.Equal(401, ex.Status);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Send_Always_PutsTheKeyInXApiKeyAndNeverInLogs()
    {
        var logs = new ListLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var http = new HttpClient();
        var provider = new RotatingProvider("stale-key", "fresh-key");
        var client = new HeyGenClient(http, new HeyGenClientOptions { Endpoint = _server.BaseAddress, ApiKeyProvider = provider, TimeProvider = _time }, loggerFactory);

        await client.Users.GetCurrentAsync();

        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("stale-key", StringComparison.Ordinal) || m.Contains("fresh-key", StringComparison.Ordinal));
        Assert.All(_server.Requests, r => Assert.Null(r.Header("Authorization")));
    }

    [Fact]
    public void Constructor_NoKeyAndNoProvider_IsRejectedNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HeyGenClient(new HeyGenClientOptions()));

        Assert.Contains("ApiKey", ex.Message, StringComparison.Ordinal);
    }

    private sealed class RotatingProvider(string first, string second) : HeyGenApiKeyProvider
    {
        private string _current = first;

        public List<string> Rejected { get; } = [];

        public override ValueTask<string> GetApiKeyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_current);

        public override ValueTask OnKeyRejectedAsync(string rejectedKey, CancellationToken cancellationToken = default)
        {
            Rejected.Add(rejectedKey);
            _current = second;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public List<string> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(Messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (messages)
                {
                    messages.Add(formatter(state, exception) + exception);
                }
            }
        }
    }
}
