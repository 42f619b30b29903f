using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Cli.Hosting;

/// <summary>How <see cref="InboxWatcher"/> polls (configuration section <c>Inbox</c>).</summary>
internal sealed class InboxWatcherOptions
{
    public const string SectionName = "Inbox";

    /// <summary>Time between two listings of the inbox container.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where a receipt per handled blob version is kept, so each job blob is handled once even across restarts
    /// (as the Functions blob trigger keeps receipts).
    /// </summary>
    public string ReceiptsContainer { get; set; } = "render-requests-receipts";
}

/// <summary>
/// The blob trigger of <c>serve</c>: lists the inbox container on a <see cref="TimeProvider"/> timer and hands each
/// new job blob version (name + ETag) to the pipeline's <see cref="InboxHandler"/> exactly once, writing a receipt
/// afterwards. The handler starts the render or moves a bad job blob aside with its error report.
/// </summary>
internal sealed partial class InboxWatcher : IHostedService, IAsyncDisposable
{
    private readonly BlobServiceClient _blobs;
    private readonly IServiceScopeFactory _scopes;
    private readonly StorageOptions _storage;
    private readonly InboxWatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InboxWatcher> _logger;
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);
    private bool _containersCreated;
    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _waitersGate = new();
    private List<TaskCompletionSource<int>> _waiters = [];
    private ITimer? _timer;
    private Task _running = Task.CompletedTask;

    public InboxWatcher(BlobServiceClient blobs, IServiceScopeFactory scopes, IOptions<StorageOptions> storage, IOptions<InboxWatcherOptions> options, TimeProvider time, ILogger<InboxWatcher> logger)
    {
        _blobs = blobs;
        _scopes = scopes;
        _storage = storage.Value;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Completes after the next scan with the number of job blobs it handled (tests move time, then await this).</summary>
    public Task<int> NextScanAsync()
    {
        var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersGate)
        {
            _waiters.Add(waiter);
        }

        return waiter.Task;
    }

    /// <summary>Scans once now: handles every job blob version not handled before.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken = default)
    {
        await _scanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var handled = 0;
        try
        {
            var inbox = _blobs.GetBlobContainerClient(_storage.RequestsContainer);
            var receipts = _blobs.GetBlobContainerClient(_options.ReceiptsContainer);
            if (!_containersCreated)
            {
                // Once per watcher, not per scan: a scan is a listing, and at a 1 s interval two creates a second add up.
                await inbox.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await receipts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _containersCreated = true;
            }

            await foreach (var item in inbox.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!InboxHandler.IsJobBlob(item.Name))
                {
                    continue;
                }

                var receiptName = ReceiptName(item);
                if (_handled.Contains(receiptName))
                {
                    continue;
                }

                try
                {
                    var receipt = receipts.GetBlobClient(receiptName);
                    if (!await receipt.ExistsAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // The handler is scoped (as in a Functions invocation): one scope per job blob.
                        await using var scope = _scopes.CreateAsyncScope();
                        var outcome = await scope.ServiceProvider.GetRequiredService<InboxHandler>().HandleAsync(item.Name, cancellationToken).ConfigureAwait(false);
                        Log.InboxBlobHandled(_logger, item.Name, outcome.Status, outcome.RenderId ?? outcome.MovedTo ?? "-");
                        await WriteReceiptAsync(receipt, outcome, cancellationToken).ConfigureAwait(false);
                        handled++;
                    }

                    _handled.Add(receiptName);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One blob must never stop the inbox: say so now, leave it unhandled (the next scan tries it again)
                    // and go on with the others.
                    Log.InboxBlobFailed(_logger, ex, item.Name);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            _containersCreated = false; // deleted while we ran: the next scan creates it again
            throw;
        }
        finally
        {
            _scanGate.Release();
        }

        List<TaskCompletionSource<int>> waiters;
        lock (_waitersGate)
        {
            (waiters, _waiters) = (_waiters, []);
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(handled);
        }

        return handled;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // One-shot timer re-armed after each scan, so scans never overlap however slow storage is.
        _timer = _time.CreateTimer(_ => _running = TickAsync(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _scanGate.Dispose();
    }

    private async Task TickAsync()
    {
        try
        {
            await ScanAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // Storage hiccup or anything unforeseen: the blobs stay in the inbox and the next scan tries again.
            Log.ScanFailed(_logger, ex);
        }
        finally
        {
            if (!_stopping.IsCancellationRequested)
            {
                _timer?.Change(_options.PollInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private static string ReceiptName(BlobItem item) =>
        $"{item.Properties.ETag?.ToString().Trim('"') ?? "none"}/{item.Name}";

    private static async Task WriteReceiptAsync(BlobClient receipt, InboxOutcome outcome, CancellationToken cancellationToken)
    {
        var text = new JsonObject
        {
            ["status"] = outcome.Status.ToString(),
            ["render_id"] = outcome.RenderId,
            ["moved_to"] = outcome.MovedTo,
        }.ToJsonString();
        try
        {
            await receipt.UploadAsync(BinaryData.FromString(text), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another watcher wrote it first; same blob, same outcome.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Inbox blob {BlobName}: {Status} ({Reference})")]
        public static partial void InboxBlobHandled(ILogger logger, string blobName, InboxStatus status, string reference);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Scanning the inbox failed; retrying at the next poll")]
        public static partial void ScanFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Inbox blob {BlobName}: handling it failed; the other blobs go on, and it is tried again at the next poll")]
        public static partial void InboxBlobFailed(ILogger logger, Exception exception, string blobName);
    }
}
