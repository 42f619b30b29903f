using HeyGenRender.Pipeline.Activities;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeyGenRender.Pipeline.DependencyInjection;

/// <summary>Registers the render workflow's activities and what they need, for every host.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers the activity classes (scoped: one per work item), the HeyGen slot semaphore's store,
    /// <see cref="RenderWorkflowOptions"/> (section <c>Workflow</c> when <paramref name="configuration"/> is given) and the
    /// download HttpClient. The orchestrator and activities are then registered with the engine by name: as
    /// <c>[Function]</c>s in the Functions app, with <see cref="RenderWorkflowRegistry.AddRenderWorkflow"/> for a
    /// <c>Microsoft.DurableTask</c> worker. The host must also register: <c>BlobServiceClient</c>, <c>HeyGenClient</c>
    /// (<c>AddHeyGenClient</c>), <c>RenderJobStore</c> and <c>IHeyGenJobIndex</c> (intake), <c>StorageOptions</c>,
    /// a <see cref="TimeProvider"/> and logging.
    /// </summary>
    public static IServiceCollection AddRenderWorkflow(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RenderWorkflowOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(RenderWorkflowOptions.SectionName));
        }

        services.AddHttpClient(DownloadOutputsActivity.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AssetIndex>();
        services.TryAddSingleton<StorageTrustPolicy>();
        services.TryAddSingleton<RenderSlotStore>();
        services.TryAddSingleton<RenderPlanner>();
        services.TryAddScoped<HeyGenJobReader>();
        services.TryAddScoped<PrepareRenderActivity>();
        services.TryAddScoped<UploadAssetActivity>();
        services.TryAddScoped<AcquireRenderSlotActivity>();
        services.TryAddScoped<ReleaseRenderSlotActivity>();
        services.TryAddScoped<CreateHeyGenJobActivity>();
        services.TryAddScoped<GetHeyGenJobActivity>();
        services.TryAddScoped<DownloadOutputsActivity>();
        services.TryAddScoped<WriteResultActivity>();
        services.TryAddScoped<WriteErrorActivity>();
        return services;
    }
}
