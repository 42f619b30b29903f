namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// Maps a HeyGen job id (video id, session id, translation id) to the render instance that created it, so
/// a webhook without <c>callback_id</c> can still be routed. The workflow records each id when it creates a job.
/// </summary>
public interface IHeyGenJobIndex
{
    /// <summary>Records that <paramref name="heyGenId"/> belongs to <paramref name="instanceId"/>. Safe to call again.</summary>
    /// <param name="heyGenId">HeyGen's id.</param>
    /// <param name="instanceId">The render (orchestration instance) id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task RecordAsync(string heyGenId, string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The instance that created <paramref name="heyGenId"/>, or null when unknown.</summary>
    /// <param name="heyGenId">HeyGen's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The instance id or null.</returns>
    Task<string?> FindAsync(string heyGenId, CancellationToken cancellationToken = default);
}
