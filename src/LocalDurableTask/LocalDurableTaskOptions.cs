namespace HeyGenRender.LocalDurableTask;

/// <summary>Which DurableTask.Core backend keeps orchestration state on one machine.</summary>
public enum DurableBackend
{
    /// <summary>Azure Storage (queues, tables, blobs): Durable Functions' default backend, on Azurite or a real account. Survives restarts.</summary>
    AzureStorage,

    /// <summary>In process memory: fast, for tests; lost when the process ends.</summary>
    InMemory,
}

/// <summary>The local Durable Task engine (configuration section <c>Durable</c>).</summary>
public sealed class LocalDurableTaskOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Durable";

    /// <summary>The backend; Azure Storage unless a test chooses memory.</summary>
    public DurableBackend Backend { get; set; } = DurableBackend.AzureStorage;

    /// <summary>The task hub: the name of the queues, tables and lease blobs (the Functions app's <c>TaskHubName</c> setting).</summary>
    public string TaskHub { get; set; } = "heygenrender";

    /// <summary>The storage account for <see cref="DurableBackend.AzureStorage"/>: a connection string with blob, queue and table endpoints.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>
    /// The longest wait between two polls of an idle queue. Events and timers are seen at most this late; a shorter
    /// interval costs idle CPU (host and Azurite). 1 s keeps a waiting render's latency under a second and the idle
    /// cost low; Durable Functions defaults to 30 s.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Control-queue partitions; one is enough on one machine (Durable Functions defaults to 4).</summary>
    public int PartitionCount { get; set; } = 1;

    /// <summary>
    /// How long a received activity stays invisible before another worker may take it. Activities get no lock renewal,
    /// so this must outlast the longest activity (a large transfer); after a crash, an activity in flight runs again
    /// this long after it started.
    /// </summary>
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a received orchestration message stays invisible (orchestration episodes are short).</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Activities run at once (Durable Functions: <c>maxConcurrentActivityFunctions</c>).</summary>
    public int MaxConcurrentActivities { get; set; } = 10;

    /// <summary>Orchestration episodes run at once (Durable Functions: <c>maxConcurrentOrchestratorFunctions</c>).</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 50;
}
