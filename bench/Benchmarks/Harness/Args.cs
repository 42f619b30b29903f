using System.Globalization;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>Command-line options as <c>--name value</c> pairs and bare <c>--flag</c>s.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    public Args(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                Positional.Add(list[i]);
                continue;
            }

            var name = list[i][2..];
            string? value = null;
            if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = list[++i];
            }

            _values[name] = value;
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public long Long(string name, long fallback) =>
        Get(name) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        Get(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
