using System.Reflection;
using DurableTask.Core;
using HeyGenRender.LocalDurableTask;

namespace HeyGenRender.Pipeline.Tests.Engine;

/// <summary>
/// The sidecar stops its backend from an <c>async void</c> when the host stops, possibly while the backend is still
/// starting (the first worker just connected). The Azure Storage backend throws from such a stop, which ended the test
/// host in a run of the suite; these pin down that a stop never reaches a backend whose start has not finished.
/// </summary>
public sealed class SidecarOrchestrationServiceTests
{
    [Fact]
    public async Task Stop_WhileTheBackendIsStarting_WaitsForTheStartThenStopsIt()
    {
        var (backend, service) = Wrapped();

        var start = service.StartAsync();
        var stop = service.StopAsync();
        Assert.False(stop.IsCompleted);
        backend.Started.SetResult();
        await start;
        await stop;

        backend.AssertCalls(starts: 1, stops: 1);
    }

    [Fact]
    public async Task Stop_BeforeAnyStart_DoesNotReachTheBackend_AndALaterStartDoesNothing()
    {
        var (backend, service) = Wrapped();

        await service.StopAsync(isForced: true);
        await service.StartAsync();

        backend.AssertCalls(starts: 0, stops: 0);
    }

    [Fact]
    public async Task Stop_AfterAFailedStart_HasNothingToStop()
    {
        var (backend, service) = Wrapped();
        var start = service.StartAsync();
        backend.Started.SetException(new InvalidOperationException("storage unreachable"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => start);
        await service.StopAsync();

        backend.AssertCalls(starts: 1, stops: 0);
    }

    [Fact]
    public async Task Start_Twice_StartsTheBackendOnce()
    {
        var (backend, service) = Wrapped();
        backend.Started.SetResult();

        await service.StartAsync();
        await service.StartAsync();

        backend.AssertCalls(starts: 1, stops: 0);
    }

    private static (Backend Backend, SidecarOrchestrationService Service) Wrapped()
    {
        var backend = Backend.Create();
        return (backend, new SidecarOrchestrationService(backend.Proxy));
    }

    /// <summary>
    /// A backend with the Azure Storage one's start and stop contract: a start that finishes when the test says, a
    /// second start refused, and a stop before the start has finished throwing as the real one does.
    /// </summary>
    public class Backend : DispatchProxy
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Starts { get; private set; }

        public int Stops { get; private set; }

        public IOrchestrationService Proxy { get; private set; } = null!;

        public void AssertCalls(int starts, int stops)
        {
            Assert.Equal(starts, Starts);
            Assert.Equal(stops, Stops);
        }

        public static Backend Create()
        {
            var proxy = DispatchProxy.Create<IOrchestrationService, Backend>();
            var backend = (Backend)(object)proxy;
            backend.Proxy = proxy;
            return backend;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case nameof(IOrchestrationService.StartAsync):
                    if (++Starts > 1)
                    {
                        throw new InvalidOperationException("The orchestration service has already started.");
                    }

                    return Started.Task;
                case nameof(IOrchestrationService.StopAsync):
                    if (!Started.Task.IsCompletedSuccessfully)
                    {
                        throw new NullReferenceException("Stopped before its start finished.");
                    }

                    Stops++;
                    return Task.CompletedTask;
                default:
                    throw new NotSupportedException(targetMethod?.Name);
            }
        }
    }
}
