using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Webhooks;

/// <summary>
/// The file journal's guarantees on a real folder: a written message survives its writer, is taken by one reader at a
/// time (another store on the same folder is another process), comes back when abandoned only after the redelivery
/// delay, and leaves when deleted or poisoned.
/// </summary>
public sealed class FileJournalStoreTests : IDisposable
{
    private readonly TempFolder _folder = new("file-journal-");
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task WriteAsync_HeldForItsWriter_IsHiddenFromOtherReadersUntilTheWriterStops()
    {
        var writer = Store();
        var handle = await writer.WriteAsync("{\"v\":1,\"entries\":[]}", holdForWriter: true);
        using var other = Store();

        Assert.Empty(await writer.ReceiveAsync(10));
        Assert.Empty(await other.ReceiveAsync(10));
        Assert.Equal(1, await other.CountAsync());

        writer.Dispose(); // the writer's process ends before dispatching: the message is the next reader's
        var taken = Assert.Single(await other.ReceiveAsync(10));
        Assert.Equal(handle.MessageId, taken.Handle.MessageId);
        Assert.Equal("{\"v\":1,\"entries\":[]}", taken.Text);
    }

    [Fact]
    public async Task DeleteAsync_DispatchedMessage_IsGoneForEveryReader()
    {
        using var store = Store();
        var handle = await store.WriteAsync("one", holdForWriter: true);
        await store.WriteAsync("two", holdForWriter: false);

        await store.DeleteAsync(handle);

        using var other = Store();
        Assert.Equal(["two"], (await other.ReceiveAsync(10)).Select(m => m.Text));
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task AbandonAsync_ComesBackAfterTheRedeliveryDelay_WithItsDeliveryCounted()
    {
        using var store = Store();
        var handle = await store.WriteAsync("retry me", holdForWriter: true);

        await store.AbandonAsync(handle);
        Assert.Empty(await store.ReceiveAsync(10));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(await store.ReceiveAsync(10));
        _time.Advance(TimeSpan.FromSeconds(2));

        var again = Assert.Single(await store.ReceiveAsync(10));
        Assert.Equal(2, again.DeliveryCount);
        Assert.Empty(await store.ReceiveAsync(10)); // held again
    }

    [Fact]
    public async Task ReceiveAsync_OldestFirst_AtMostTheNumberAskedFor()
    {
        using var writer = Store();
        foreach (var text in new[] { "first", "second", "third" })
        {
            await writer.WriteAsync(text, holdForWriter: false);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        using var reader = Store();
        Assert.Equal(["first", "second"], (await reader.ReceiveAsync(2)).Select(m => m.Text));
        Assert.Equal(["third"], (await reader.ReceiveAsync(2)).Select(m => m.Text));
    }

    [Fact]
    public async Task MoveToPoisonAsync_KeepsTheMessageBesideTheJournal_OutOfIt()
    {
        using var store = Store();
        await store.WriteAsync("cannot be dispatched", holdForWriter: false);
        var taken = Assert.Single(await store.ReceiveAsync(10));

        await store.MoveToPoisonAsync(taken);

        Assert.Equal(0, await store.CountAsync());
        Assert.Equal("cannot be dispatched", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(store.PoisonFolder))));
    }

    [Fact]
    public async Task ReceiveAsync_EmptyFile_IsLeftWhileItsWriterMayStillWrite_AndDeletedOnceOld()
    {
        // A file with nothing in it was never acknowledged: its writer lost the race for the lock, or crashed first.
        var path = Path.Combine(_folder.Path, "0000000000000000001-1-00000001.json");
        await File.WriteAllBytesAsync(path, []);
        using var store = Store();
        _time.SetUtcNow(File.GetLastWriteTimeUtc(path));

        Assert.Empty(await store.ReceiveAsync(10));
        Assert.True(File.Exists(path), "young: left alone");

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Empty(await store.ReceiveAsync(10));
        Assert.False(File.Exists(path), "old: deleted");
    }

    [Fact]
    public void Constructor_WithoutAFolder_NamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new FileJournalStore(Options.Create(new WebhookIntakeOptions()), _time));
        Assert.Contains("Webhooks:JournalFolder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_HandleThatIsNotAJournalFileName_IsRefused()
    {
        using var store = Store();
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(new JournalHandle("../outside.json", "../outside.json")));
    }

    [Fact]
    public async Task IsReceiving_WhileDeliveriesArrive_ThenQuietOnceTheyStop()
    {
        // The pump's hint to hold dispatch back during a burst: true with a write pending or just done, false after a lull.
        using var store = Store();
        var options = Options.Create(new WebhookIntakeOptions { JournalFolder = _folder.Path });
        var journal = new WebhookJournal(store, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookJournal>.Instance);
        Assert.False(journal.IsReceiving(TimeSpan.FromMilliseconds(20)));

        await journal.AppendAsync(new WebhookEntry { Notification = new WebhookNotification { EventId = "evt_1", EventType = "avatar_video.success" } });
        Assert.True(journal.IsReceiving(TimeSpan.FromMinutes(1)), "an append within the quiet period");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (journal.IsReceiving(TimeSpan.FromMilliseconds(20)))
        {
            await Task.Delay(5, timeout.Token);
        }

        Assert.Equal(1, await store.CountAsync());
    }

    [Theory]
    [InlineData(true, typeof(FileJournalStore))]
    [InlineData(false, typeof(QueueJournalStore))]
    public void AddRenderIntake_JournalFolderConfigured_ChoosesTheFileJournal_ElseTheQueue(bool folder, Type expected)
    {
        var settings = new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" };
        if (folder)
        {
            settings["Webhooks:JournalFolder"] = _folder.Path;
        }

        var services = new ServiceCollection().AddLogging();
        services.AddRenderIntake(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();

        Assert.IsType(expected, provider.GetRequiredService<WebhookJournal>().Store);
    }

    private FileJournalStore Store() => new(Options.Create(new WebhookIntakeOptions { JournalFolder = _folder.Path }), _time);
}
