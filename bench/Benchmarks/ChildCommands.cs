using HeyGenRender.Benchmarks.Harness;
using HeyGenRender.Benchmarks.Transfers;

namespace HeyGenRender.Benchmarks;

/// <summary>The <c>child</c> commands: each runs one measured variant and prints its figures.</summary>
internal static class ChildCommands
{
    public static Task<int> RunAsync(Args args)
    {
        var kind = args.Positional.FirstOrDefault() ?? throw new ArgumentException("child needs a kind.");
        return kind switch
        {
            "upload" or "download" => TransferChild.RunAsync(kind, args),
            "webhooks-inproc" => Webhooks.WebhookIntakeBenchmarks.RunChildAsync(args),
            _ => throw new ArgumentException($"Unknown child kind '{kind}'."),
        };
    }
}
