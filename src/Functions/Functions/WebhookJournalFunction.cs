using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Functions.Functions;

/// <summary>
/// Dispatches the webhook journal that <see cref="HeyGenWebhookFunction"/> writes: each message holds the deliveries
/// one journal write acknowledged. A message with an entry that must be retried throws, so the queue trigger delivers
/// it again (entries already delivered are duplicates then) and moves it to <c>webhook-events-poison</c> after
/// <c>maxDequeueCount</c> (host.json).
/// </summary>
public sealed class WebhookJournalFunction
{
    /// <summary>The journal queue: the pipeline's default <c>StorageOptions.WebhookQueueName</c>.</summary>
    public const string QueueName = "webhook-events";

    [Function(nameof(DispatchHeyGenWebhooks))]
    public async Task DispatchHeyGenWebhooks(
        [QueueTrigger(QueueName)] string message,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var dispatcher = DurableClientScope.Resolve<WebhookDispatcher>(context.InstanceServices, client);
        var outcomes = await dispatcher.DispatchAllAsync(WebhookJournal.Parse(message), context.CancellationToken);
        var retry = outcomes.Count(o => o == WebhookDispatchOutcome.Retry);
        if (retry > 0)
        {
            throw new WebhookDispatchIncompleteException($"{retry} of {outcomes.Count} webhook deliveries in this journal message could not be dispatched yet; the queue delivers it again.");
        }
    }
}

/// <summary>A journal message could not be dispatched completely; the queue trigger retries it.</summary>
public sealed class WebhookDispatchIncompleteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookDispatchIncompleteException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not dispatched.</param>
    public WebhookDispatchIncompleteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not dispatched.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookDispatchIncompleteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
