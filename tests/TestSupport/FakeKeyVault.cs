using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.TestSupport;

/// <summary>One version of a secret held by <see cref="FakeKeyVault"/>.</summary>
/// <param name="Version">Key Vault's version id (32 lowercase hex digits).</param>
/// <param name="Value">The secret value.</param>
/// <param name="Created">When the version was set.</param>
/// <param name="ContentType">The content type sent with it, if any.</param>
public sealed record FakeSecretVersion(string Version, string Value, DateTimeOffset Created, string? ContentType);

/// <summary>
/// The Key Vault secrets API over HTTPS on 127.0.0.1, enough for the real <see cref="SecretClient"/>:
/// <c>GET /secrets/{name}[/{version}]</c> and <c>PUT /secrets/{name}</c> (a new version each time), both requiring
/// the <c>api-version</c> query and answering with Key Vault's secret bundle (<c>value</c>, <c>id</c> ending in the
/// version, <c>attributes</c>) or its error shape. The certificate is self-signed and made here; a request without
/// the bearer token gets Key Vault's challenge (401 with <c>WWW-Authenticate</c>).
/// </summary>
public sealed partial class FakeKeyVault : IAsyncDisposable
{
    /// <summary>The only bearer token the vault accepts (<see cref="FakeCredential"/> hands it out).</summary>
    public const string Token = "fake-access-token";

    /// <summary>The resource named in the challenge; clients ask for <c>{Resource}/.default</c>.</summary>
    public const string Resource = "https://vault.azure.net";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<FakeSecretVersion>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private int _challenges;
    private long _versions;

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate, Uri uri, TimeProvider time)
    {
        _app = app;
        _certificate = certificate;
        VaultUri = uri;
        _time = time;
    }

    /// <summary>The vault's base address, e.g. <c>https://127.0.0.1:51234/</c>.</summary>
    public Uri VaultUri { get; }

    /// <summary>Secret names read with the token (challenges not counted), in order.</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    /// <summary>Secret names set with the token, in order.</summary>
    public ConcurrentQueue<string> Writes { get; } = new();

    /// <summary>Requests answered with the challenge.</summary>
    public int Challenges => Volatile.Read(ref _challenges);

    /// <summary>Starts the vault on a random loopback port; <paramref name="time"/> stamps the versions (default: the system clock).</summary>
    public static async Task<FakeKeyVault> StartAsync(TimeProvider? time = null)
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        FakeKeyVault? vault = null;
        app.Run(context => vault!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        vault = new FakeKeyVault(app, certificate, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)), time ?? TimeProvider.System);
        return vault;
    }

    /// <summary>Client options that trust only this vault's certificate and do not retry.</summary>
    public SecretClientOptions CreateClientOptions()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.Thumbprint == _certificate.Thumbprint,
        };
        return new SecretClientOptions
        {
            Transport = new HttpClientTransport(handler),
            DisableChallengeResourceVerification = true,
            Retry = { MaxRetries = 0 },
        };
    }

    /// <summary>A real <see cref="SecretClient"/> for this vault (<see cref="CreateClientOptions"/>).</summary>
    public SecretClient CreateClient(TokenCredential credential) => new(VaultUri, credential, CreateClientOptions());

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> as a new version, as a PUT would; returns the version.</summary>
    public string SetSecret(string name, string value, string? contentType = null) => AddVersion(name, value, contentType).Version;

    /// <summary>The current value of <paramref name="name"/>, or null if it was never set.</summary>
    public string? GetSecret(string name)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(name, out var versions) ? versions[^1].Value : null;
        }
    }

    /// <summary>Every version of <paramref name="name"/>, oldest first (empty if never set).</summary>
    public IReadOnlyList<FakeSecretVersion> GetVersions(string name)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(name, out var versions) ? [.. versions] : [];
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private FakeSecretVersion AddVersion(string name, string value, string? contentType)
    {
        lock (_gate)
        {
            // Real versions are random 32-hex ids; a counter keeps runs reproducible.
            var version = new FakeSecretVersion((++_versions).ToString("x32", CultureInfo.InvariantCulture), value, _time.GetUtcNow(), contentType);
            if (!_secrets.TryGetValue(name, out var versions))
            {
                _secrets[name] = versions = [];
            }

            versions.Add(version);
            return version;
        }
    }

    private FakeSecretVersion? Find(string name, string? version)
    {
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var versions))
            {
                return null;
            }

            return string.IsNullOrEmpty(version) ? versions[^1] : versions.Find(v => v.Version == version);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            // The SDK sends its first request bodiless, expecting this, then repeats it with a token.
            Interlocked.Increment(ref _challenges);
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.test/tenant-1\", resource=\"{Resource}\"";
            return;
        }

        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            await ErrorAsync(context, 400, "BadParameter", "The request is missing the api-version query parameter.");
            return;
        }

        var parts = context.Request.Path.Value!.Trim('/').Split('/');
        switch (context.Request.Method, parts)
        {
            case ("GET", ["secrets", var name]):
                await GetAsync(context, name, null);
                break;
            case ("GET", ["secrets", var name, var version]):
                await GetAsync(context, name, version);
                break;
            case ("PUT", ["secrets", var name]):
                await SetAsync(context, name);
                break;
            default:
                await ErrorAsync(context, 400, "BadParameter", $"{context.Request.Method} {context.Request.Path} is not supported by this fake.");
                break;
        }
    }

    private async Task GetAsync(HttpContext context, string name, string? version)
    {
        Reads.Enqueue(name);
        if (Find(name, version) is not { } secret)
        {
            await ErrorAsync(context, 404, "SecretNotFound", $"A secret with (name/id) {name}{(version is null ? "" : "/" + version)} was not found in this key vault.");
            return;
        }

        await BundleAsync(context, name, secret, null);
    }

    private async Task SetAsync(HttpContext context, string name)
    {
        if (!SecretName().IsMatch(name))
        {
            await ErrorAsync(context, 400, "BadParameter", "The request URI contains an invalid name: secret names are 1-127 characters of 0-9, a-z, A-Z and '-'.");
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?["value"] is not JsonValue valueNode || !valueNode.TryGetValue<string>(out var value))
        {
            await ErrorAsync(context, 400, "BadParameter", "Property 'value' is required and must be a string.");
            return;
        }

        Writes.Enqueue(name);
        var secret = AddVersion(name, value, body["contentType"]?.GetValue<string>());
        await BundleAsync(context, name, secret, body["tags"]?.DeepClone());
    }

    private Task BundleAsync(HttpContext context, string name, FakeSecretVersion secret, JsonNode? tags)
    {
        var created = secret.Created.ToUnixTimeSeconds();
        var bundle = new JsonObject
        {
            ["value"] = secret.Value,
            ["id"] = $"{VaultUri.AbsoluteUri.TrimEnd('/')}/secrets/{name}/{secret.Version}",
            ["attributes"] = new JsonObject
            {
                ["enabled"] = true,
                ["created"] = created,
                ["updated"] = created,
                ["recoveryLevel"] = "Recoverable+Purgeable",
                ["recoverableDays"] = 90,
            },
        };
        if (secret.ContentType is not null)
        {
            bundle["contentType"] = secret.ContentType;
        }

        if (tags is not null)
        {
            bundle["tags"] = tags;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(bundle.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretName();

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600); // 2026-01-01; validity is not checked by the pinned callback
        using var created = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>A <see cref="TokenCredential"/> that hands out <see cref="FakeKeyVault.Token"/> and records the scopes asked for.</summary>
public sealed class FakeCredential : TokenCredential
{
    /// <summary>Every scope requested, in order.</summary>
    public ConcurrentQueue<string> Scopes { get; } = new();

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            Scopes.Enqueue(scope);
        }

        return new AccessToken(FakeKeyVault.Token, DateTimeOffset.FromUnixTimeSeconds(4_102_444_800));
    }

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
