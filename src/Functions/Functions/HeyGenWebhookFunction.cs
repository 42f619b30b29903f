using HeyGenRender.Functions.Models;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Functions.Functions;

/// <summary>
/// HeyGen's signed webhook. Anonymous at the Functions level because HeyGen cannot send a function key:
/// <see cref="WebhookIntake"/> verifies the signature on the raw body before anything else, and answers once the
/// delivery is in the journal queue.
/// </summary>
public sealed class HeyGenWebhookFunction
{
    [Function(nameof(ReceiveHeyGenWebhook))]
    public async Task<IActionResult> ReceiveHeyGenWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/heygen")] HttpRequest request,
        FunctionContext context)
    {
        // No Durable client: the intake only journals; WebhookJournalFunction delivers into the render.
        var intake = context.InstanceServices.GetRequiredService<WebhookIntake>();
        var headers = request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value.OfType<string>()));
        var response = await intake.HandleAsync(request.Body, headers, context.CancellationToken);
        return response.ToActionResult(request.HttpContext.Response);
    }
}
