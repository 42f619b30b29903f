using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.LocalDurableTask;

/// <summary>Registers a <c>Microsoft.DurableTask</c> worker and client on a <see cref="LocalDurableTaskHost"/>.</summary>
public static class LocalDurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds the worker (a hosted service running <paramref name="tasks"/>) and the <see cref="DurableTaskClient"/>
    /// (singleton; with <paramref name="registerClient"/> false only through <see cref="IDurableTaskClientProvider"/>, for a
    /// container that binds its own client), both over <paramref name="host"/>, with payloads serialized by <paramref name="json"/>.
    /// </summary>
    public static IServiceCollection AddLocalDurableTask(
        this IServiceCollection services, LocalDurableTaskHost host, LocalDurableTaskOptions options, Action<DurableTaskRegistry> tasks, JsonSerializerOptions json,
        bool registerClient = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(json);
        services.AddSingleton<DataConverter>(new JsonDataConverter(json));
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(host.Channel);
            builder.AddTasks(tasks);
            builder.Configure(worker =>
            {
                worker.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities;
                worker.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
            });
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(host.Channel);
            if (registerClient)
            {
                builder.RegisterDirectly();
            }
        });
        return services;
    }
}
