namespace HeyGenRender.Benchmarks.Harness;

/// <summary>What one run measures: <c>run [--quick] [--only transfers,webhooks,orchestration] [--reps N] [--name NAME] [--deliveries N] [--skip-inproc] [--variants webhooks,polling,cli] [--directions upload,download]</c>.</summary>
internal sealed class RunOptions
{
    public RunOptions(Args args)
    {
        Quick = args.Flag("quick");
        Repetitions = (int)args.Long("reps", Quick ? 1 : 3);
        LargeBytes = args.Long("large-mib", Quick ? 16 : 1024) * 1024 * 1024;
        SmallBytes = args.Long("small-mib", Quick ? 4 : 100) * 1024 * 1024;
        WebhookDeliveries = (int)args.Long("deliveries", Quick ? 100 : 1000);
        SkipInProcess = args.Flag("skip-inproc");
        Variants = args.Get("variants")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Name = args.Get("name") ?? (Quick ? "quick" : "full");
        Directions = args.Get("directions")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Only = args.Get("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        RepoRoot = args.Get("repo") ?? FindRepoRoot();
        ResultsFolder = args.Get("results") ?? Path.Combine(RepoRoot, "bench", "results");
    }

    public bool Quick { get; }

    public int Repetitions { get; }

    public long LargeBytes { get; }

    public long SmallBytes { get; }

    /// <summary>Signed deliveries per run of the HTTP webhook benchmark (<c>--deliveries</c>).</summary>
    public int WebhookDeliveries { get; }

    /// <summary>Leave out the in-process BenchmarkDotNet part of the webhook benchmark (<c>--skip-inproc</c>).</summary>
    public bool SkipInProcess { get; }

    /// <summary>The orchestration variants to run (<c>--variants</c>, for probing one); all when null.</summary>
    public HashSet<string>? Variants { get; }

    public string Name { get; }

    public HashSet<string>? Only { get; }

    /// <summary>The transfer directions to run (<c>--directions upload,download</c>, for probing one); both when null.</summary>
    public HashSet<string>? Directions { get; }

    public bool IncludesDirection(string direction) => Directions is null || Directions.Contains(direction);

    public string RepoRoot { get; }

    public string ResultsFolder { get; }

    public bool Includes(string part) => Only is null || Only.Contains(part);

    private static string FindRepoRoot()
    {
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "HeyGenRender.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (no HeyGenRender.slnx above the current folder), or pass --repo.");
    }
}
