namespace HeyGenRender.Cli;

/// <summary>The process exit codes every command uses (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The render (or operation) failed; the reason was printed.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: every problem was listed and nothing was started.</summary>
    public const int BadInput = 2;

    /// <summary>Something the command needs could not be reached or started (storage, HeyGen, Azurite).</summary>
    public const int Unavailable = 3;

    /// <summary>The render did not finish within <c>--timeout</c>.</summary>
    public const int Timeout = 4;
}
