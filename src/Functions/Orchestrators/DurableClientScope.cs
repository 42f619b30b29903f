using HeyGenRender.Pipeline.Orchestration;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Functions.Orchestrators;

/// <summary>
/// Holds the invocation's <c>[DurableClient]</c> so that pipeline services resolved in the same scope get it as
/// their <see cref="IOrchestrationClient"/>. The client is a binding, not a DI service, in the isolated worker.
/// </summary>
internal sealed class DurableClientScope
{
    private DurableTaskClient? _client;

    public void Use(DurableTaskClient client) => _client = client;

    public IOrchestrationClient GetOrchestrationClient() =>
        new DurableOrchestrationClient(_client ?? throw new InvalidOperationException(
            "No Durable client in this invocation: the function must take a [DurableClient] parameter and call DurableClientScope.Use first."));

    /// <summary>Resolves <typeparamref name="T"/> from the invocation's services after binding its Durable client.</summary>
    public static T Resolve<T>(IServiceProvider services, DurableTaskClient client)
        where T : notnull
    {
        services.GetRequiredService<DurableClientScope>().Use(client);
        return services.GetRequiredService<T>();
    }
}
