using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Pipeline.Tests.Secrets;

/// <summary>
/// The Key Vault secrets API (GET /secrets/{name}) over HTTPS on 127.0.0.1, with a self-signed certificate made
/// here and Key Vault's challenge: a request without a bearer token gets 401 and <c>WWW-Authenticate</c>.
/// </summary>
internal sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Token = "fake-access-token";
    public const string Resource = "https://vault.azure.net";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate, Uri uri)
    {
        _app = app;
        _certificate = certificate;
        VaultUri = uri;
    }

    public Uri VaultUri { get; }

    public ConcurrentDictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Secret reads that carried the token (challenges not counted).</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    public int Challenges;

    public static async Task<FakeKeyVault> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        FakeKeyVault? vault = null;
        app.Run(context => vault!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        vault = new FakeKeyVault(app, certificate, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)));
        return vault;
    }

    /// <summary>A real <see cref="SecretClient"/> that trusts only this vault's certificate.</summary>
    public SecretClient CreateClient(TokenCredential credential)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.Thumbprint == _certificate.Thumbprint,
        };
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(handler),
            DisableChallengeResourceVerification = true,
            Retry = { MaxRetries = 0 },
        };
        return new SecretClient(VaultUri, credential, options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            Interlocked.Increment(ref Challenges);
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.test/tenant-1\", resource=\"{Resource}\"";
            return;
        }

        var parts = context.Request.Path.Value!.Trim('/').Split('/');
        if (context.Request.Method != "GET" || parts is not ["secrets", var name, ..])
        {
            context.Response.StatusCode = 400;
            return;
        }

        Reads.Enqueue(name);
        context.Response.ContentType = "application/json";
        if (!Secrets.TryGetValue(name, out var value))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } }));
            return;
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            value,
            id = $"{VaultUri.AbsoluteUri.TrimEnd('/')}/secrets/{name}/0123456789abcdef",
            attributes = new { enabled = true },
        }));
    }

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

/// <summary>A <see cref="TokenCredential"/> that hands out a fixed token and records the scopes asked for.</summary>
internal sealed class FakeCredential : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            Scopes.Enqueue(scope);
        }

        return new AccessToken(FakeKeyVault.Token, DateTimeOffset.FromUnixTimeSeconds(4_102_444_800));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
