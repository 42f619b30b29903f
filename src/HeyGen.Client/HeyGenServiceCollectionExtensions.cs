using HeyGen.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="HeyGenClient"/> with <c>IHttpClientFactory</c>.</summary>
public static class HeyGenServiceCollectionExtensions
{
    /// <summary>The name of the HTTP client and options used by <see cref="AddHeyGenClient(IServiceCollection, Action{HeyGenClientOptions})"/>.</summary>
    public const string HttpClientName = "HeyGen";

    /// <summary>Registers <see cref="HeyGenClient"/> (transient, over a pooled handler).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets endpoint, key or key provider, retries and clock.</param>
    /// <returns>The HTTP client builder, for handlers and handler settings.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddHeyGenClient(this IServiceCollection services, Action<HeyGenClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddHeyGenClient((_, options) => configure(options));
    }

    /// <summary>Registers <see cref="HeyGenClient"/>, configuring options with access to services (for a key provider from DI).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets endpoint, key or key provider, retries and clock.</param>
    /// <returns>The HTTP client builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddHeyGenClient(this IServiceCollection services, Action<IServiceProvider, HeyGenClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HeyGenClientOptions>(HttpClientName).Configure<IServiceProvider>((options, provider) => configure(provider, options));
        services.TryAddTransient(provider => new HeyGenClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<IOptionsMonitor<HeyGenClientOptions>>().Get(HttpClientName),
            provider.GetService<ILoggerFactory>()));

        // The client applies its own per-call timeout; the factory's 100 s default would cut large uploads.
        return services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
    }
}
