using System.Globalization;
using Spectre.Console;

namespace HeyGenRender.Cli.Rendering;

/// <summary>What <c>render</c> shows while it works: the render's stage and elapsed time, and bytes moved by each transfer.</summary>
internal abstract class RenderProgress
{
    /// <summary>Runs <paramref name="work"/> while showing progress.</summary>
    public abstract Task<T> RunAsync<T>(Func<RenderProgress, Task<T>> work);

    /// <summary>The render's stage (<c>upload</c>, <c>wait</c>, …), its rough percentage and a detail.</summary>
    public abstract void Stage(string stage, int percent, string? detail, TimeSpan elapsed);

    /// <summary>A reporter for one transfer of <paramref name="total"/> bytes; report the bytes moved so far.</summary>
    public abstract IProgress<long> Transfer(string label, long total);

    /// <summary>Live redraw on a terminal; one line per change when output is redirected (logs, CI, tests).</summary>
    public static RenderProgress For(CliEnvironment environment) =>
        environment.Interactive ? new Live(environment.CreateConsole()) : new Lines(environment.Out);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };

    private static string Elapsed(TimeSpan elapsed) => elapsed.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>Plain lines: a stage line when the stage or detail changes, a transfer line when one finishes.</summary>
    private sealed class Lines(TextWriter output) : RenderProgress
    {
        private readonly object _gate = new();
        private readonly TextWriter _output = output;
        private string? _last;

        public override Task<T> RunAsync<T>(Func<RenderProgress, Task<T>> work) => work(this);

        public override void Stage(string stage, int percent, string? detail, TimeSpan elapsed)
        {
            var key = $"{stage}|{detail}";
            lock (_gate)
            {
                if (key == _last)
                {
                    return;
                }

                _last = key;
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Elapsed(elapsed)}] {stage,-9} {percent,3}%{(detail is null ? string.Empty : "  " + detail)}"));
            }
        }

        public override IProgress<long> Transfer(string label, long total) => new Reporter(this, label, total);

        private sealed class Reporter(Lines owner, string label, long total) : IProgress<long>
        {
            private bool _done;

            public void Report(long value)
            {
                lock (owner._gate)
                {
                    if (_done || value < total)
                    {
                        return;
                    }

                    _done = true;
                    owner._output.WriteLine($"          {label}: {Bytes(value)}");
                }
            }
        }
    }

    /// <summary>Spectre.Console's live progress: a bar for the render and one per transfer, with bytes and speed.</summary>
    private sealed class Live(IAnsiConsole console) : RenderProgress
    {
        private ProgressContext? _context;
        private ProgressTask? _render;

        public override Task<T> RunAsync<T>(Func<RenderProgress, Task<T>> work) =>
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    _context = context;
                    try
                    {
                        return await work(this).ConfigureAwait(false);
                    }
                    finally
                    {
                        _render?.StopTask();
                    }
                });

        public override void Stage(string stage, int percent, string? detail, TimeSpan elapsed)
        {
            _render ??= _context!.AddTask("render", maxValue: 100);
            _render.Description = Markup.Escape(detail is null ? $"render: {stage}" : $"render: {stage} ({detail})");
            _render.Value = percent;
        }

        public override IProgress<long> Transfer(string label, long total)
        {
            var task = _context!.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1));
            return new Reporter(task, label, total);
        }

        private sealed class Reporter(ProgressTask task, string label, long total) : IProgress<long>
        {
            public void Report(long value)
            {
                task.Value = value;
                task.Description = Markup.Escape($"{label} {Bytes(value)}/{Bytes(total)}");
            }
        }
    }
}
