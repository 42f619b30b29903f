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

    /// <summary>A line of the command's own output (what was queued, what was saved, or on standard error what failed), in order with the progress.</summary>
    public abstract void WriteLine(string line, bool error = false);

    /// <summary>Live redraw on a terminal; one line per change when output is redirected (logs, CI, tests).</summary>
    public static RenderProgress For(CliEnvironment environment) =>
        environment.Interactive ? new Live(environment.CreateConsole(), environment.Out, environment.Error) : new Lines(environment.Out, environment.Error);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };

    private static string Elapsed(TimeSpan elapsed) => elapsed.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>Plain lines: a stage line when the stage or detail changes, a transfer line when one finishes.</summary>
    private sealed class Lines(TextWriter output, TextWriter errors) : RenderProgress
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

        public override void WriteLine(string line, bool error = false)
        {
            lock (_gate)
            {
                (error ? errors : _output).WriteLine(line);
            }
        }

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

    /// <summary>
    /// Spectre.Console's live progress: a bar for the render and one per transfer. Every column has a width that fits the
    /// terminal (descriptions are shortened from the left, so a path keeps its file name), and lines the command prints
    /// meanwhile are held and written once the display ends: text written beside a live display lands inside its bars.
    /// </summary>
    private sealed class Live(IAnsiConsole console, TextWriter output, TextWriter errors) : RenderProgress
    {
        private readonly List<(string Line, bool Error)> _held = [];
        private ProgressContext? _context;
        private ProgressTask? _render;

        private int Width => Math.Max(40, console.Profile.Width);

        // Bar, percentage ("100%"), elapsed ("00:00:00") and the gaps between the four columns.
        private int BarWidth => Width >= 120 ? 30 : Width >= 90 ? 20 : 12;

        private int DescriptionWidth => Width - BarWidth - 4 - 8 - 3 - 1;

        public override async Task<T> RunAsync<T>(Func<RenderProgress, Task<T>> work)
        {
            try
            {
                return await console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(
                        new TaskDescriptionColumn { Alignment = Justify.Left },
                        new ProgressBarColumn { Width = BarWidth },
                        new PercentageColumn(),
                        new ElapsedTimeColumn())
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
                    }).ConfigureAwait(false);
            }
            finally
            {
                foreach (var (line, error) in _held)
                {
                    await (error ? errors : output).WriteLineAsync(line).ConfigureAwait(false);
                }
            }
        }

        public override void Stage(string stage, int percent, string? detail, TimeSpan elapsed)
        {
            _render ??= _context!.AddTask("render", maxValue: 100);
            _render.Description = Fit(detail is null ? $"render: {stage}" : $"render: {stage} ({detail})");
            _render.Value = percent;
        }

        public override IProgress<long> Transfer(string label, long total)
        {
            var task = _context!.AddTask(Fit(label), maxValue: Math.Max(total, 1));
            return new Reporter(this, task, label, total);
        }

        public override void WriteLine(string line, bool error = false)
        {
            lock (_held)
            {
                _held.Add((line, error));
            }
        }

        // Exactly the description column's width: padded, or shortened with "…". The render's line keeps its start (stage
        // first); a transfer's keeps its verb and its end (the file name and the bytes).
        private string Fit(string text)
        {
            var width = DescriptionWidth;
            if (text.Length > width)
            {
                var verb = text.StartsWith("render", StringComparison.Ordinal) ? -1 : text.IndexOf(' ', StringComparison.Ordinal);
                text = verb is > 0 && verb < width / 2
                    ? text[..(verb + 1)] + "…" + text[^(width - verb - 2)..]
                    : text[..(width - 1)] + "…";
            }

            return Markup.Escape(text.PadRight(width));
        }

        private sealed class Reporter(Live owner, ProgressTask task, string label, long total) : IProgress<long>
        {
            public void Report(long value)
            {
                task.Value = value;
                task.Description = owner.Fit($"{label} {Bytes(value)}/{Bytes(total)}");
            }
        }
    }
}
