using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Functions.Orchestrators;

/// <summary>
/// Holds the invocation's <c>[DurableClient]</c>: in the isolated worker the Durable client is a binding, not a DI
/// service. <see cref="AddInvocationDurableClient"/> makes it the scoped <see cref="DurableTaskClient"/> that the
/// pipeline's handlers (scoped too) take; a function binds it with <see cref="Resolve{T}"/> before resolving them.
/// </summary>
public sealed class DurableClientScope
{
    private DurableTaskClient? _client;

    /// <summary>The bound client.</summary>
    /// <exception cref="InvalidOperationException">The function did not bind its <c>[DurableClient]</c>.</exception>
    public DurableTaskClient Client => _client ?? throw new InvalidOperationException(
        "No Durable client in this invocation: the function must take a [DurableClient] parameter and resolve its handler with DurableClientScope.Resolve.");

    /// <summary>Registers the scope and the scoped <see cref="DurableTaskClient"/> it provides.</summary>
    public static IServiceCollection AddInvocationDurableClient(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<DurableClientScope>();
        services.AddScoped(provider => provider.GetRequiredService<DurableClientScope>().Client);
        return services;
    }

    /// <summary>Resolves <typeparamref name="T"/> from the invocation's services after binding its Durable client.</summary>
    public static T Resolve<T>(IServiceProvider services, DurableTaskClient client)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(client);
        services.GetRequiredService<DurableClientScope>()._client = client;
        return services.GetRequiredService<T>();
    }
}
