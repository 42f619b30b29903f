using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// An activity: a plain class resolved from DI, safe to run twice (Durable runs activities at least once).
/// The Functions app exposes each as <c>[Function(name)]</c> with an <c>[ActivityTrigger]</c> that calls <see cref="RunAsync"/>.
/// </summary>
/// <typeparam name="TInput">The serializable input (references, never payloads).</typeparam>
/// <typeparam name="TOutput">The serializable output.</typeparam>
public interface IRenderActivity<in TInput, TOutput>
{
    /// <summary>Runs the activity.</summary>
    Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken = default);
}

/// <summary>An orchestrator the local executor can run: its name and its function.</summary>
/// <param name="Name">The orchestrator's name.</param>
/// <param name="Run">Runs the orchestrator over a context, returning its output.</param>
public sealed record OrchestratorRegistration(string Name, Func<IServiceProvider, IRenderOrchestrationContext, Task<object?>> Run);

/// <summary>An activity the local executor can run: its name and an invoker working on JSON.</summary>
/// <param name="Name">The activity's name.</param>
/// <param name="Invoke">Runs the activity with its input JSON in a DI scope and returns the output JSON.</param>
public sealed record ActivityRegistration(string Name, Func<IServiceProvider, string?, CancellationToken, Task<string?>> Invoke);

/// <summary>An entity the local executor can run: its name and a synchronous operation dispatcher over JSON state.</summary>
/// <param name="Name">The entity name (lower-case).</param>
/// <param name="Dispatch">Runs one operation; operations on one entity never overlap.</param>
public sealed record EntityRegistration(string Name, Func<EntityOperation, object?> Dispatch);

/// <summary>One entity operation as the local executor delivers it (Durable: <c>TaskEntityOperation</c>).</summary>
public sealed class EntityOperation
{
    internal EntityOperation(EntityInstanceId id, string name, string? inputJson, string? stateJson)
    {
        Id = id;
        Name = name;
        InputJson = inputJson;
        StateJson = stateJson;
    }

    /// <summary>The entity.</summary>
    public EntityInstanceId Id { get; }

    /// <summary>The operation name.</summary>
    public string Name { get; }

    internal string? InputJson { get; }

    internal string? StateJson { get; private set; }

    /// <summary>The operation input.</summary>
    public T? GetInput<T>() => InputJson is null ? default : JsonSerializer.Deserialize<T>(InputJson, OrchestrationJson.Options);

    /// <summary>The entity state, or null before the first write.</summary>
    public T? GetState<T>() => StateJson is null ? default : JsonSerializer.Deserialize<T>(StateJson, OrchestrationJson.Options);

    /// <summary>Replaces the entity state.</summary>
    public void SetState<T>(T state) => StateJson = JsonSerializer.Serialize(state, OrchestrationJson.Options);
}

/// <summary>How orchestration inputs, outputs, events and history are serialized (as Durable's default JSON converter would).</summary>
public static class OrchestrationJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    internal static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    internal static T? Deserialize<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Options);
}

/// <summary>Registers orchestrators, activities and entities for <see cref="LocalOrchestrationHost"/>.</summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>Registers an orchestrator function under <paramref name="name"/>.</summary>
    public static IServiceCollection AddOrchestrator<TOutput>(this IServiceCollection services, string name, Func<IServiceProvider, IRenderOrchestrationContext, Task<TOutput>> run)
    {
        services.AddSingleton(new OrchestratorRegistration(name, async (sp, ctx) => await run(sp, ctx)));
        return services;
    }

    /// <summary>Registers activity <typeparamref name="TActivity"/> (scoped) under <paramref name="name"/>.</summary>
    public static IServiceCollection AddActivity<TActivity, TInput, TOutput>(this IServiceCollection services, string name)
        where TActivity : class, IRenderActivity<TInput, TOutput>
    {
        services.AddScoped<TActivity>();
        services.AddSingleton(new ActivityRegistration(name, async (sp, json, ct) =>
        {
            var input = OrchestrationJson.Deserialize<TInput>(json)!;
            var output = await sp.GetRequiredService<TActivity>().RunAsync(input, ct);
            return OrchestrationJson.Serialize(output);
        }));
        return services;
    }

    /// <summary>Registers an entity dispatcher under <paramref name="name"/>.</summary>
    public static IServiceCollection AddEntity(this IServiceCollection services, string name, Func<EntityOperation, object?> dispatch)
    {
        services.AddSingleton(new EntityRegistration(name.ToLowerInvariant(), dispatch));
        return services;
    }
}
