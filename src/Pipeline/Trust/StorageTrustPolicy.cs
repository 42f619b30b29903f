using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Trust;

/// <summary>
/// What a job may read and where it may write: the one place these rules live. Every entry point (HTTP, inbox blob,
/// CLI, Functions) goes through <see cref="Api.RenderStarter"/>, which refuses a spec that breaks them, naming the field;
/// the activities ask again before reading or writing, so a rule changed mid-render still holds.
/// <list type="bullet">
/// <item>Blob assets come only from the asset containers (the inbox unless the operator lists others).</item>
/// <item>Outputs go only to the output containers (the renders container unless the operator lists others), into the
/// render's own folder: <c>{render id}/</c>, or a custom prefix that is not another render's folder (see
/// <see cref="OutputFolderClaims"/>).</item>
/// <item>The two lists never overlap, and never name the pipeline's own containers (renders for reading, the inbox for
/// writing, failed requests, webhook events, the hosts' own (<see cref="StorageOptions.InternalContainers"/>), the task
/// hub's and the Functions host's): a job can neither read a
/// render's output or internal state back out through HeyGen nor write where intake or the engine reads.</item>
/// <item>URL assets are handed to HeyGen, which fetches them: https only, no credentials in the URL, no loopback,
/// private or link-local address (HeyGen could never reach it, and the request would probe a network for the caller).</item>
/// </list>
/// </summary>
public sealed class StorageTrustPolicy
{
    /// <summary>The longest URL asset accepted.</summary>
    public const int MaxUrlLength = 2048;

    // Containers the engine and the Functions host make: DurableTask.AzureStorage's {hub}-leases, {hub}-largemessages,
    // {hub}-applease; the host's azure-webjobs-hosts and azure-webjobs-secrets.
    private static readonly string[] s_internalSuffixes = ["-leases", "-largemessages", "-applease"];
    private const string FunctionsHostPrefix = "azure-webjobs-";

    private readonly HashSet<string> _assetContainers;
    private readonly HashSet<string> _outputContainers;

    /// <summary>Creates the policy from the storage options.</summary>
    /// <param name="options">The storage options.</param>
    /// <exception cref="InvalidOperationException">The configured lists break the rules (see <see cref="Validate"/>).</exception>
    public StorageTrustPolicy(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var storage = options.Value;
        if (Validate(storage) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Storage trust settings are not valid: " + string.Join(" ", problems));
        }

        _assetContainers = new HashSet<string>(AssetContainersOf(storage), StringComparer.Ordinal);
        _outputContainers = new HashSet<string>(OutputContainersOf(storage), StringComparer.Ordinal);
        AssetContainers = [.. _assetContainers.Order(StringComparer.Ordinal)];
        OutputContainers = [.. _outputContainers.Order(StringComparer.Ordinal)];
    }

    /// <summary>The containers blob assets may come from.</summary>
    public IReadOnlyList<string> AssetContainers { get; }

    /// <summary>The containers outputs may go to.</summary>
    public IReadOnlyList<string> OutputContainers { get; }

    /// <summary>Every problem with the operator's container lists; empty when they keep the rules.</summary>
    /// <param name="storage">The storage options.</param>
    /// <returns>One sentence per problem, naming the setting and the container.</returns>
    public static IReadOnlyList<string> Validate(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var problems = new List<string>();
        var assets = AssetContainersOf(storage);
        var outputs = OutputContainersOf(storage);
        foreach (var name in assets.Concat(outputs).Distinct(StringComparer.Ordinal))
        {
            if (!RenderJobSpecParser.ContainerNamePattern().IsMatch(name))
            {
                problems.Add($"'{name}' is not a valid container name.");
            }
        }

        foreach (var name in assets)
        {
            if (name == storage.RendersContainer || IsPipelineState(storage, name))
            {
                problems.Add($"Storage:AssetContainers names '{name}', which holds renders or the pipeline's own state; a job could read it back out through HeyGen.");
            }
            else if (outputs.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"'{name}' is in both Storage:AssetContainers and Storage:OutputContainers; a job could read another render's output.");
            }
        }

        foreach (var name in outputs)
        {
            if (name == storage.RequestsContainer || IsPipelineState(storage, name))
            {
                problems.Add($"Storage:OutputContainers names '{name}', which intake or the engine reads; a job must not write there.");
            }
        }

        return problems;
    }

    /// <summary>Whether a job may read a blob asset from <paramref name="container"/>.</summary>
    /// <param name="container">The container.</param>
    /// <returns>True when it is an asset container.</returns>
    public bool MayRead(string container) => _assetContainers.Contains(container);

    /// <summary>Whether render <paramref name="renderId"/> may write to <paramref name="output"/> (claims aside).</summary>
    /// <param name="output">The resolved output place.</param>
    /// <param name="renderId">The render.</param>
    /// <returns>True when the container is an output container and the prefix is not another render's folder.</returns>
    public bool MayWrite(OutputLocation output, string renderId)
    {
        ArgumentNullException.ThrowIfNull(output);
        return _outputContainers.Contains(output.Container) && PrefixProblem(output.Prefix, renderId) is null;
    }

    /// <summary>Throws unless a job may read <paramref name="container"/>.</summary>
    /// <param name="container">The asset's container.</param>
    /// <param name="blobName">The asset's name, for the message.</param>
    /// <exception cref="TrustViolationException">It may not.</exception>
    public void EnsureMayRead(string container, string blobName)
    {
        if (!MayRead(container))
        {
            throw new TrustViolationException($"Reading {container}/{blobName} is not allowed: blob assets come from {List(AssetContainers)}.");
        }
    }

    /// <summary>Throws unless render <paramref name="renderId"/> may write to <paramref name="output"/>.</summary>
    /// <param name="output">The output place.</param>
    /// <param name="renderId">The render.</param>
    /// <exception cref="TrustViolationException">It may not.</exception>
    public void EnsureMayWrite(OutputLocation output, string renderId)
    {
        if (!MayWrite(output, renderId))
        {
            throw new TrustViolationException($"Writing to {output.Container}/{output.Prefix}/ is not allowed for render {renderId}: outputs go to {List(OutputContainers)}, in the render's own folder.");
        }
    }

    /// <summary>Every rule <paramref name="spec"/> breaks for render <paramref name="renderId"/>, each naming its field.</summary>
    /// <param name="spec">A parsed spec.</param>
    /// <param name="renderId">The render it would be.</param>
    /// <returns>The problems, in document order; empty when the spec keeps the rules.</returns>
    public IReadOnlyList<JobSpecError> Check(RenderJobSpec spec, string renderId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<JobSpecError>();
        foreach (var (path, asset) in spec.Assets())
        {
            if (asset.IsBlob && !MayRead(asset.Container!))
            {
                errors.Add(new JobSpecError($"{path}.container", $"'{asset.Container}' is not a container jobs may read; blob assets come from {List(AssetContainers)}"));
            }
            else if (asset.Url is { } url && UrlProblem(url) is { } problem)
            {
                errors.Add(new JobSpecError($"{path}.url", problem));
            }
        }

        if (!_outputContainers.Contains(spec.Output.Container))
        {
            errors.Add(new JobSpecError("output.container", $"'{spec.Output.Container}' is not a container jobs may write; outputs go to {List(OutputContainers)}"));
        }

        if (spec.Output.Prefix is { } prefix && PrefixProblem(prefix, renderId) is { } prefixProblem)
        {
            errors.Add(new JobSpecError("output.prefix", prefixProblem));
        }

        return errors;
    }

    /// <summary>Why HeyGen must not be handed <paramref name="url"/>, or null when it may.</summary>
    /// <param name="url">An absolute URL from a spec.</param>
    /// <returns>The rule it breaks, or null.</returns>
    public static string? UrlProblem(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return "must be an https URL";
        }

        if (url.OriginalString.Length > MaxUrlLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{url.OriginalString.Length:N0} characters, limit {MaxUrlLength:N0}");
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "must not carry a user name or password; HeyGen would receive them";
        }

        var host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (url.HostNameType == UriHostNameType.Dns && !host.Contains('.', StringComparison.Ordinal)))
        {
            return $"host '{host}' is not a public name; HeyGen fetches URL assets from the internet";
        }

        if (IPAddress.TryParse(url.DnsSafeHost, out var address) && !IsPublic(address))
        {
            return $"address {address} is loopback, private or link-local; HeyGen fetches URL assets from the internet";
        }

        return null;
    }

    // A custom prefix may not begin with a render id other than this render's: those top-level folders are renders' own.
    private static string? PrefixProblem(string prefix, string renderId)
    {
        var first = prefix.Split('/')[0];
        if (prefix == renderId || !RenderIds.LooksLikeRenderId(first))
        {
            return null;
        }

        return first == renderId
            ? $"'{prefix}' is inside this render's default folder; give '{renderId}' itself or a folder of your own"
            : $"'{first}' is another render's folder; a prefix may not begin with a render id";
    }

    private static bool IsPipelineState(StorageOptions storage, string name) =>
        name == storage.FailedRequestsContainer
        || name == storage.WebhookEventsContainer
        || storage.InternalContainers.Contains(name)
        || name.StartsWith(FunctionsHostPrefix, StringComparison.Ordinal)
        || s_internalSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    private static IReadOnlyList<string> AssetContainersOf(StorageOptions storage) =>
        storage.AssetContainers.Count > 0 ? [.. storage.AssetContainers] : [storage.RequestsContainer];

    private static IReadOnlyList<string> OutputContainersOf(StorageOptions storage) =>
        storage.OutputContainers.Count > 0 ? [.. storage.OutputContainers] : [storage.RendersContainer];

    private static string List(IReadOnlyList<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => false,
            100 => b[1] is < 64 or > 127, // 100.64.0.0/10, carrier-grade NAT
            169 => b[1] != 254, // link-local, cloud metadata endpoints
            172 => b[1] is < 16 or > 31,
            192 => !(b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2)),
            >= 224 => false, // multicast and reserved
            _ => true,
        };
    }
}

/// <summary>Checks <see cref="StorageOptions"/> against <see cref="StorageTrustPolicy.Validate"/> when the host starts.</summary>
public sealed class StorageTrustValidation : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageTrustPolicy.Validate(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

/// <summary>
/// An activity was asked to read or write where <see cref="StorageTrustPolicy"/> forbids: intake refuses such specs, so
/// this means the rules changed after the render started. Not retried; the render fails with code <c>forbidden</c>.
/// </summary>
public sealed class TrustViolationException(string message) : InvalidOperationException(message);
