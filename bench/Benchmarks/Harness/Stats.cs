using System.Globalization;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>Min, median and max of repeated measurements of one figure.</summary>
internal readonly record struct Summary(double Min, double Median, double Max, int Count)
{
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Summary(double.NaN, double.NaN, double.NaN, 0);
        }

        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Summary(sorted[0], median, sorted[^1], sorted.Length);
    }

    public string Format(string format = "0.##") =>
        Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{Min.ToString(format, CultureInfo.InvariantCulture)} / {Median.ToString(format, CultureInfo.InvariantCulture)} / {Max.ToString(format, CultureInfo.InvariantCulture)}");
}

/// <summary>Percentiles of one run's latencies (nearest-rank).</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sortedValues, double percentile)
    {
        if (sortedValues.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sortedValues.Count);
        return sortedValues[Math.Clamp(rank - 1, 0, sortedValues.Count - 1)];
    }
}

/// <summary>Invariant number formatting for the report.</summary>
internal static class Num
{
    public static string F(double value, string format = "0.##") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}
