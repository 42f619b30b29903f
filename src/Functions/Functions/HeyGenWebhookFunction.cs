using HeyGenRender.Functions.Models;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Functions.Functions;

/// <summary>
/// HeyGen's signed webhook. Anonymous at the Functions level because HeyGen cannot send a function key:
/// <see cref="WebhookIntake"/> verifies the signature on the raw body before anything else.
/// </summary>
public sealed class HeyGenWebhookFunction
{
    [Function(nameof(ReceiveHeyGenWebhook))]
    public async Task<IActionResult> ReceiveHeyGenWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/heygen")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var intake = DurableClientScope.Resolve<WebhookIntake>(context.InstanceServices, client);
        var headers = request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value.OfType<string>()));
        var response = await intake.HandleAsync(request.Body, headers, context.CancellationToken);
        return response.ToActionResult(request.HttpContext.Response);
    }
}
