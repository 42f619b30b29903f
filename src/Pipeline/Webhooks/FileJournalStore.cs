using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// The webhook journal as files in one folder on the local disk (<see cref="WebhookIntakeOptions.JournalFolder"/>):
/// the journal of <c>serve</c> and <c>render</c> on one machine, where the render state itself is on that machine's
/// Azurite. A message is one file, written and flushed to disk (<c>fsync</c>) before the delivery is acknowledged, so
/// HeyGen's answer never waits on the storage account. A process holds a file by keeping it open with an exclusive
/// lock; other processes on the same folder skip it, and the lock ends with the process, so a crash leaves the file
/// for the next reader. Dispatched files are deleted; poison moves to <c>poison/</c> beside them.
/// </summary>
/// <remarks>
/// Delivery counts are kept in memory: after a restart a message starts counting again. A file a reader can lock but
/// that is empty was never written (its writer lost the race for the lock or crashed before writing): it is left
/// alone while young, deleted once old. One with partial content was never acknowledged either; it goes to poison.
/// </remarks>
public sealed class FileJournalStore : IWebhookJournalStore, IDisposable
{
    private const string Extension = ".json";

    // An empty file younger than this may still be in its writer's hands.
    private static readonly TimeSpan s_emptyFileGrace = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, FileStream> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notBefore = new(StringComparer.Ordinal);
    private readonly TimeSpan _redeliveryDelay;
    private readonly TimeProvider _time;
    private long _sequence;

    /// <summary>Creates the store in <see cref="WebhookIntakeOptions.JournalFolder"/> (created if missing).</summary>
    /// <param name="options">The folder.</param>
    /// <param name="time">The clock of file names and of the empty-file grace.</param>
    /// <exception cref="InvalidOperationException">No folder is configured.</exception>
    public FileJournalStore(IOptions<WebhookIntakeOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Folder = options.Value.JournalFolder is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : throw new InvalidOperationException($"The file journal needs {WebhookIntakeOptions.SectionName}:{nameof(WebhookIntakeOptions.JournalFolder)}.");
        PoisonFolder = Path.Combine(Folder, "poison");
        _redeliveryDelay = options.Value.RedeliveryDelay;
        _time = time;
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The journal folder.</summary>
    public string Folder { get; }

    /// <summary>Where messages that keep failing or cannot be read are moved.</summary>
    public string PoisonFolder { get; }

    /// <inheritdoc />
    public string Name => $"folder {Folder}";

    /// <inheritdoc />
    public int MaxConcurrentWrites => 1;

    /// <inheritdoc />
    public async Task<JournalHandle> WriteAsync(string text, bool holdForWriter, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        while (true)
        {
            // Names sort by time of writing (recovery takes the oldest first) and are unique within and across processes.
            var name = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow().UtcTicks:D19}-{Environment.ProcessId}-{Interlocked.Increment(ref _sequence):D8}{Extension}");
            FileStream file;
            try
            {
                file = new FileStream(Path.Combine(Folder, name), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            }
            catch (IOException) when (File.Exists(Path.Combine(Folder, name)))
            {
                continue; // a reader locked the new, empty file before this writer could: take another name
            }

            try
            {
                await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);

                // On disk before it is acknowledged. (On ext4 the file's fsync also commits its new directory entry.)
                file.Flush(flushToDisk: true);
            }
            catch
            {
                await file.DisposeAsync().ConfigureAwait(false);
                TryDelete(Path.Combine(Folder, name));
                throw;
            }

            if (holdForWriter)
            {
                _held[name] = file;
                _deliveries[name] = 1;
            }
            else
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }

            return new JournalHandle(name, name);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredJournalMessage>> ReceiveAsync(int max, CancellationToken cancellationToken = default)
    {
        var taken = new List<StoredJournalMessage>();
        if (!Directory.Exists(Folder))
        {
            return taken;
        }

        foreach (var path in Directory.EnumerateFiles(Folder, "*" + Extension).Order(StringComparer.Ordinal))
        {
            if (taken.Count >= max)
            {
                break;
            }

            var name = Path.GetFileName(path);
            if (_held.ContainsKey(name) || (_notBefore.TryGetValue(name, out var notBefore) && notBefore > _time.GetUtcNow()) || TryLock(path) is not { } file)
            {
                continue; // held here or by another process, or abandoned here lately
            }

            string text;
            try
            {
                using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            if (text.Length == 0)
            {
                var young = _time.GetUtcNow() - File.GetLastWriteTimeUtc(path) < s_emptyFileGrace;
                await file.DisposeAsync().ConfigureAwait(false);
                if (!young)
                {
                    TryDelete(path);
                }

                continue;
            }

            _held[name] = file;
            var count = _deliveries.AddOrUpdate(name, 1, (_, n) => n + 1);
            taken.Add(new StoredJournalMessage(new JournalHandle(name, name), text, count));
        }

        return taken;
    }

    /// <inheritdoc />
    public Task DeleteAsync(JournalHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);

        // Deleted before the lock ends, where the platform allows it, so no other reader takes it in between.
        var path = PathOf(handle);
        TryDelete(path);
        Release(handle.MessageId);
        TryDelete(path);
        Forget(handle.MessageId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AbandonAsync(JournalHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);

        // Like a queue message's invisibility: this process takes it again after the redelivery delay (another at once).
        _notBefore[handle.MessageId] = _time.GetUtcNow() + _redeliveryDelay;
        Release(handle.MessageId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task MoveToPoisonAsync(StoredJournalMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(PoisonFolder);
        Release(message.Handle.MessageId);
        var path = PathOf(message.Handle);
        if (File.Exists(path))
        {
            File.Move(path, Path.Combine(PoisonFolder, message.Handle.MessageId), overwrite: true);
        }

        Forget(message.Handle.MessageId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Directory.Exists(Folder) ? Directory.EnumerateFiles(Folder, "*" + Extension).Count() : 0);

    /// <summary>Ends every hold of this process; the files stay for the next reader.</summary>
    public void Dispose()
    {
        foreach (var name in _held.Keys)
        {
            Release(name);
        }
    }

    private string PathOf(JournalHandle handle) =>
        Path.GetFileName(handle.MessageId) == handle.MessageId && handle.MessageId.EndsWith(Extension, StringComparison.Ordinal)
            ? Path.Combine(Folder, handle.MessageId)
            : throw new ArgumentException($"'{handle.MessageId}' is not a journal file name.", nameof(handle));

    private void Forget(string name)
    {
        _deliveries.TryRemove(name, out _);
        _notBefore.TryRemove(name, out _);
    }

    private void Release(string name)
    {
        if (_held.TryRemove(name, out var file))
        {
            file.Dispose();
        }
    }

    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // locked by its writer or another reader, or deleted meanwhile
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Open elsewhere (Windows): deleted after the hold ends, or by the next reader once dispatched again.
        }
    }
}
