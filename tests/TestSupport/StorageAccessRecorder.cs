using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace HeyGenRender.TestSupport;

/// <summary>
/// An Azure SDK pipeline policy that records every blob request a host makes (method, container, blob name), so a test
/// can say what was read and written, not only what ended up in storage. Understands Azurite's path-style URLs
/// (<c>/{account}/{container}/{blob}</c>). Add it with <c>BlobClientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall)</c>.
/// </summary>
public sealed class StorageAccessRecorder : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<StorageAccess> _accesses = new();

    /// <summary>Every request recorded so far, in order.</summary>
    public IReadOnlyList<StorageAccess> Accesses => [.. _accesses];

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => _accesses.Clear();

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    /// <inheritdoc />
    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        var segments = Uri.UnescapeDataString(message.Request.Uri.Path).TrimStart('/').Split('/', 3);
        var container = segments.Length > 1 ? segments[1] : "";
        var blob = segments.Length > 2 ? segments[2] : null;
        _accesses.Enqueue(new StorageAccess(message.Request.Method.Method, container, blob, message.Request.Uri.Query ?? ""));
    }
}

/// <summary>One blob service request.</summary>
/// <param name="Method">GET, HEAD, PUT, DELETE, …</param>
/// <param name="Container">The container (empty for account-level calls).</param>
/// <param name="Blob">The blob name, or null for container-level calls such as a listing.</param>
/// <param name="Query">The query string (<c>?restype=container&amp;comp=list…</c>).</param>
public sealed record StorageAccess(string Method, string Container, string? Blob, string Query)
{
    /// <summary>True for a request that can change storage.</summary>
    public bool IsWrite => Method is "PUT" or "DELETE" or "POST" or "PATCH";

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Container}/{Blob}{Query}";
}
