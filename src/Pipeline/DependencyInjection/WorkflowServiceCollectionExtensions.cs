using HeyGenRender.Pipeline.Activities;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeyGenRender.Pipeline.DependencyInjection;

/// <summary>Registers the render workflow: its orchestrator, activities and entity, and (for local hosts) the in-process executor.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers the orchestrator, the activities (scoped) and the slots entity, <see cref="RenderWorkflowOptions"/>
    /// (section <c>Workflow</c> when <paramref name="configuration"/> is given) and the download HttpClient.
    /// The host must also register: <c>BlobServiceClient</c>, <c>HeyGenClient</c> (<c>AddHeyGenClient</c>),
    /// <c>RenderJobStore</c> and <c>IHeyGenJobIndex</c> (intake), <c>StorageOptions</c>, a <see cref="TimeProvider"/> and logging.
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
        services.TryAddSingleton<AssetIndex>();
        services.TryAddScoped<HeyGenJobReader>();

        services.AddOrchestrator(RenderWorkflowNames.Orchestrator, (_, context) => RenderOrchestrator.RunAsync(context));
        services.AddActivity<PrepareRenderActivity, RenderRequest, RenderPlan>(RenderWorkflowNames.PrepareRender);
        services.AddActivity<UploadAssetActivity, UploadAssetInput, UploadedAsset>(RenderWorkflowNames.UploadAsset);
        services.AddActivity<CreateHeyGenJobActivity, CreateJobInput, CreateJobResult>(RenderWorkflowNames.CreateHeyGenJob);
        services.AddActivity<GetHeyGenJobActivity, JobRef, JobSnapshot>(RenderWorkflowNames.GetHeyGenJob);
        services.AddActivity<DownloadOutputsActivity, DownloadInput, DownloadResult>(RenderWorkflowNames.DownloadOutputs);
        services.AddActivity<WriteResultActivity, WriteResultInput, Jobs.BlobLocation>(RenderWorkflowNames.WriteResult);
        services.AddActivity<WriteErrorActivity, WriteErrorInput, Jobs.BlobLocation>(RenderWorkflowNames.WriteError);
        services.AddEntity(RenderWorkflowNames.SlotsEntity, DispatchSlots);
        return services;
    }

    /// <summary>
    /// Registers <see cref="LocalOrchestrationHost"/> as a singleton and as the <see cref="IOrchestrationClient"/>:
    /// for the CLI, tests and benchmarks. Not durable across restarts; Azure uses Durable Functions instead.
    /// </summary>
    public static IServiceCollection AddLocalOrchestrationHost(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalOrchestrationHost>();
        services.TryAddSingleton<IOrchestrationClient>(sp => sp.GetRequiredService<LocalOrchestrationHost>());
        return services;
    }

    /// <summary>The local executor's dispatcher for the <see cref="RenderSlots"/> entity (the Functions app uses a <c>TaskEntity</c>).</summary>
    public static object? DispatchSlots(EntityOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var state = operation.GetState<RenderSlots>() ?? new RenderSlots();
        var request = operation.GetInput<SlotRequest>() ?? throw new ArgumentException("A slot operation needs a SlotRequest input.", nameof(operation));
        var answer = operation.Name.ToLowerInvariant() switch
        {
            RenderSlots.AcquireOperation => state.Acquire(request),
            RenderSlots.ReleaseOperation => state.Release(request),
            _ => throw new InvalidOperationException($"The slots entity has no operation '{operation.Name}'."),
        };
        operation.SetState(state);
        return answer;
    }
}
