namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// What a job spec means when it names no container: blob assets come from the host's inbox and outputs go to its
/// renders container. The stored spec is parsed again by the workflow with the same defaults, so both agree.
/// </summary>
/// <param name="AssetContainer">The container of a blob asset without <c>container</c>.</param>
/// <param name="OutputContainer">The container of an output without <c>output.container</c>.</param>
public sealed record JobSpecDefaults(string AssetContainer, string OutputContainer)
{
    /// <summary>The standard names: <c>render-requests</c> and <c>renders</c>.</summary>
    public static JobSpecDefaults Standard { get; } = new(AssetReference.DefaultContainer, OutputSpec.DefaultContainer);
}
