using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;

namespace HeyGenRender.Functions.Tests;

/// <summary>
/// The one thing the worker gives a function body that cannot exist without the Functions host: its invocation
/// context. Only what the app's bodies use is real: the invocation's DI scope, its cancellation token, and the binding
/// data the trigger gives (for an activity trigger the Durable extension's <c>instanceId</c>).
/// </summary>
internal sealed class TestFunctionContext(IServiceProvider services, string functionName, CancellationToken cancellationToken = default, IReadOnlyDictionary<string, object?>? bindingData = null) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId => functionName;

    public override TraceContext TraceContext => throw new NotSupportedException("The app's functions do not read the trace context.");

    public override BindingContext BindingContext { get; } = new TestBindingContext(bindingData ?? new Dictionary<string, object?>());

    public override RetryContext RetryContext => throw new NotSupportedException("The app's functions have no retry policy.");

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("The app's functions do not read their definition.");

    public override IDictionary<object, object> Items { get; set; } = new ConcurrentDictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("The app's functions use no invocation features.");

    public override CancellationToken CancellationToken => cancellationToken;
}

internal sealed class TestBindingContext(IReadOnlyDictionary<string, object?> bindingData) : BindingContext
{
    public override IReadOnlyDictionary<string, object?> BindingData => bindingData;
}
