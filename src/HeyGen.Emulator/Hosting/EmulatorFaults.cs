namespace HeyGen.Emulator;

/// <summary>
/// The active faults of a running emulator. Every random choice comes from one seeded source, in request order,
/// so a run with the same seed and the same requests injects the same faults.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly List<ActiveFault> _rules = [];
    private Random _random;
    private int _seed;

    internal EmulatorFaults(int seed, IEnumerable<FaultRule> initial)
    {
        _seed = seed;
        _random = new Random(seed);
        foreach (var rule in initial)
        {
            Add(rule);
        }
    }

    /// <summary>The seed of the current random sequence.</summary>
    public int Seed
    {
        get
        {
            lock (_gate)
            {
                return _seed;
            }
        }
    }

    /// <summary>The rules still active, with how often each has fired.</summary>
    public IReadOnlyList<(FaultRule Rule, int Fired)> Rules
    {
        get
        {
            lock (_gate)
            {
                return _rules.Select(r => (r.Rule, r.Fired)).ToList();
            }
        }
    }

    /// <summary>Adds a fault rule.</summary>
    public void Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Kind == FaultKind.ServerError && rule.StatusCode is not (500 or 502 or 504))
        {
            throw new ArgumentException("StatusCode must be 500, 502 or 504 for ServerError.", nameof(rule));
        }

        if (rule.Probability is < 0 or > 1)
        {
            throw new ArgumentException("Probability must be between 0 and 1.", nameof(rule));
        }

        lock (_gate)
        {
            _rules.Add(new ActiveFault(rule));
        }
    }

    /// <summary>Removes every rule and restarts the random sequence from <paramref name="seed"/> (or the current seed).</summary>
    public void Clear(int? seed = null)
    {
        lock (_gate)
        {
            _rules.Clear();
            _seed = seed ?? _seed;
            _random = new Random(_seed);
        }
    }

    /// <summary>Returns the first rule of one of <paramref name="kinds"/> that matches and fires now, counting it; null when none does.</summary>
    internal FaultRule? Take(string? method, string? path, params FaultKind[] kinds)
    {
        lock (_gate)
        {
            foreach (var active in _rules)
            {
                var rule = active.Rule;
                if (!kinds.Contains(rule.Kind)
                    || (rule.Count is { } count && active.Fired >= count)
                    || (rule.Method is not null && method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase))
                    || (rule.PathPrefix is not null && path is not null && !path.StartsWith(rule.PathPrefix, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (rule.Probability < 1 && _random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                active.Fired++;
                return rule;
            }

            return null;
        }
    }

    private sealed class ActiveFault(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;

        public int Fired { get; set; }
    }
}
