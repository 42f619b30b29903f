using HeyGenRender.Benchmarks;
using HeyGenRender.Benchmarks.Harness;

// run [--quick] [--only transfers,webhooks,orchestration] [--reps N] [--name NAME]: every benchmark, one results file.
// child <kind> ...: one measured variant in its own process (started by run).
var command = args.Length == 0 ? "run" : args[0];
var rest = new Args(args.Skip(1));
try
{
    return command switch
    {
        "run" => await BenchRun.RunAsync(new RunOptions(rest)),
        "child" => await ChildCommands.RunAsync(rest),
        _ => Usage(),
    };
}
catch (Exception e) when (command == "child")
{
    // The parent reads stderr to report what failed or what is still missing.
    await Console.Error.WriteLineAsync(e.ToString());
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: HeyGenRender.Benchmarks run [--quick] [--only transfers,webhooks,orchestration] [--reps N] [--name NAME]");
    return 2;
}
