using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>The authenticated user.</summary>
public class UsersClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected UsersClient()
    {
    }

    internal UsersClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Gets the user the API key belongs to: <c>GET /v3/users/me</c>. A cheap way to check a key.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error (401 <c>unauthorized</c> for a bad key).</exception>
    public virtual Task<HeyGenUser> GetCurrentAsync(CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetCurrentUser, HeyGenRoutes.GetCurrentUser.Format(), null, HeyGenJsonContext.Default.HeyGenUser, CallOptions.Read, cancellationToken);
}

/// <summary>Avatar groups and looks.</summary>
public class AvatarsClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected AvatarsClient()
    {
    }

    internal AvatarsClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Lists one page of avatar groups: <c>GET /v3/avatars</c>.</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<AvatarGroup>> GetGroupsPageAsync(AvatarListOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListAvatarGroups,
            Query.Build(HeyGenRoutes.ListAvatarGroups.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListAvatarGroup,
            cancellationToken);

    /// <summary>Lists all avatar groups, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The groups.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<AvatarGroup> ListGroupsAsync(AvatarListOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetGroupsPageAsync((options ?? new AvatarListOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Gets an avatar group: <c>GET /v3/avatars/{group_id}</c>.</summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<AvatarGroup> GetGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetAvatarGroup, HeyGenRoutes.GetAvatarGroup.Format(groupId), null, HeyGenJsonContext.Default.AvatarGroup, CallOptions.Read, cancellationToken);

    /// <summary>Lists one page of looks: <c>GET /v3/avatars/looks</c>.</summary>
    /// <param name="options">Filters, limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<AvatarLook>> GetLooksPageAsync(AvatarLookListOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListAvatarLooks,
            Query.Build(
                HeyGenRoutes.ListAvatarLooks.Format(),
                ("group_id", options?.GroupId),
                ("avatar_type", options?.AvatarType),
                ("ownership", options?.Ownership),
                ("limit", Query.Of(options?.Limit)),
                ("token", options?.Token)),
            HeyGenJsonContext.Default.ListAvatarLook,
            cancellationToken);

    /// <summary>Lists all looks, page by page.</summary>
    /// <param name="options">Filters, page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The looks.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<AvatarLook> ListLooksAsync(AvatarLookListOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetLooksPageAsync((options ?? new AvatarLookListOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Gets a look: <c>GET /v3/avatars/looks/{look_id}</c>.</summary>
    /// <param name="lookId">The look id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The look.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<AvatarLook> GetLookAsync(string lookId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetAvatarLook, HeyGenRoutes.GetAvatarLook.Format(lookId), null, HeyGenJsonContext.Default.AvatarLook, CallOptions.Read, cancellationToken);
}

/// <summary>Voices.</summary>
public class VoicesClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected VoicesClient()
    {
    }

    internal VoicesClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Lists one page of voices: <c>GET /v3/voices</c>.</summary>
    /// <param name="options">Filters, limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<Voice>> GetPageAsync(VoiceListOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListVoices,
            Query.Build(
                HeyGenRoutes.ListVoices.Format(),
                ("type", options?.Type),
                ("engine", options?.Engine),
                ("language", options?.Language),
                ("gender", options?.Gender),
                ("limit", Query.Of(options?.Limit)),
                ("token", options?.Token)),
            HeyGenJsonContext.Default.ListVoice,
            cancellationToken);

    /// <summary>Lists all voices, page by page.</summary>
    /// <param name="options">Filters, page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The voices.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<Voice> ListAsync(VoiceListOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetPageAsync((options ?? new VoiceListOptions()) with { Token = token }, ct), options?.Token, cancellationToken);
}
