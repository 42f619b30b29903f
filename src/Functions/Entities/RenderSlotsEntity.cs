using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Entities;

namespace HeyGenRender.Functions.Entities;

/// <summary>
/// The HeyGen slots semaphore as a Durable entity: the state is the pipeline's <see cref="RenderSlots"/> and each
/// operation is passed straight to it, so this entity and the local executor's dispatcher give the same answers.
/// </summary>
/// <remarks>
/// Durable picks the method whose name matches the operation ignoring case, so <c>acquire</c> and <c>release</c>
/// (<see cref="RenderSlots.AcquireOperation"/>, <see cref="RenderSlots.ReleaseOperation"/>) reach these methods. A new
/// entity starts from <c>new RenderSlots()</c>; the state is stored with the worker serializer set in <c>Program.cs</c>.
/// </remarks>
public sealed class RenderSlotsEntity : TaskEntity<RenderSlots>
{
    /// <summary>Takes a slot for the caller or queues it.</summary>
    public SlotAnswer Acquire(SlotRequest request) => State.Acquire(request);

    /// <summary>Frees the caller's slot and hands freed slots to the first waiters.</summary>
    public SlotAnswer Release(SlotRequest request) => State.Release(request);

    /// <summary>The entity function; the name is the workflow's, already lower-case as Durable stores entity names.</summary>
    [Function(RenderWorkflowNames.SlotsEntity)]
    public static Task Run([EntityTrigger] TaskEntityDispatcher dispatcher) => dispatcher.DispatchAsync<RenderSlotsEntity>();
}
