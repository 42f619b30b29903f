using System.Diagnostics;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>
/// Samples the CPU of a few process trees at a fixed interval on the run's clock, so that how busy each was can be read
/// afterwards for any window of the run (a phase whose bounds are only known once the run has been analysed).
/// A sample reads /proc once per tree: about a millisecond of the harness's CPU each.
/// </summary>
internal sealed class CpuTimeline(Stopwatch clock) : IAsyncDisposable
{
    private readonly List<(double At, TimeSpan[] Cpu)> _samples = [];
    private string[] _names = [];
    private CancellationTokenSource? _stop;
    private Task? _sampling;

    /// <summary>The "process id" that stands for the whole machine: every core's busy time, from /proc/stat.</summary>
    public const int Machine = -1;

    /// <summary>Starts sampling <paramref name="trees"/> (a name and the root process id each) every <paramref name="interval"/>.</summary>
    public void Start(TimeSpan interval, params (string Name, int Pid)[] trees)
    {
        _names = [.. trees.Select(t => t.Name)];
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        Sample(trees);
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Sample(trees);
            }
        }, CancellationToken.None);
    }

    /// <summary>Stops sampling.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is null || _sampling is null)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _sampling;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _stop = null;
    }

    /// <summary>
    /// The CPU of <paramref name="name"/>'s tree between clock seconds <paramref name="from"/> and <paramref name="to"/>,
    /// in % of one core, from the samples nearest inside the window; NaN when the window holds fewer than two samples.
    /// </summary>
    public double BusyPercent(string name, double from, double to)
    {
        var index = Array.IndexOf(_names, name);
        List<(double At, TimeSpan[] Cpu)> inside;
        lock (_samples)
        {
            inside = [.. _samples.Where(s => s.At >= from && s.At <= to)];
        }

        if (index < 0 || inside.Count < 2 || inside[^1].At <= inside[0].At)
        {
            return double.NaN;
        }

        return (inside[^1].Cpu[index] - inside[0].Cpu[index]).TotalSeconds / (inside[^1].At - inside[0].At) * 100;
    }

    private void Sample((string Name, int Pid)[] trees)
    {
        var cpu = trees.Select(t => t.Pid == Machine ? ProcessCpu.OfMachine() : ProcessCpu.OfTree(t.Pid)).ToArray();
        lock (_samples)
        {
            _samples.Add((clock.Elapsed.TotalSeconds, cpu));
        }
    }
}
