using HeyGenRender.Functions.Models;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Functions.Functions;

/// <summary>
/// Start, list, status, files, cancel and the dashboard page: the same routes and payloads as the command line's <c>serve</c>
/// (<see cref="RenderApi"/> does the work). A repeated start with the same <c>Idempotency-Key</c> maps to the same
/// render id, so it returns the existing render instead of starting another.
/// </summary>
public sealed class RenderHttpFunctions
{
    [Function(nameof(StartRender))]
    public async Task<IActionResult> StartRender(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "renders")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var api = DurableClientScope.Resolve<RenderApi>(context.InstanceServices, client);
        var idempotencyKey = request.Headers[RenderApi.IdempotencyKeyHeader].FirstOrDefault();
        var response = await api.StartAsync(request.Body, idempotencyKey, context.CancellationToken);
        return response.ToActionResult(request.HttpContext.Response);
    }

    [Function(nameof(GetRenderStatus))]
    public async Task<IActionResult> GetRenderStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "renders/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var api = DurableClientScope.Resolve<RenderApi>(context.InstanceServices, client);
        var response = await api.GetStatusAsync(id, context.CancellationToken);
        return response.ToActionResult(request.HttpContext.Response);
    }

    [Function(nameof(CancelRender))]
    public async Task<IActionResult> CancelRender(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "renders/{id}/cancel")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var api = DurableClientScope.Resolve<RenderApi>(context.InstanceServices, client);
        var response = await api.CancelAsync(id, context.CancellationToken);
        return response.ToActionResult(request.HttpContext.Response);
    }

    [Function(nameof(ListRenders))]
    public async Task<IActionResult> ListRenders(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "renders")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var api = DurableClientScope.Resolve<RenderApi>(context.InstanceServices, client);
        var response = await api.ListAsync(context.CancellationToken);
        return response.ToActionResult(request.HttpContext.Response);
    }

    /// <summary>A render's file, streamed from its blob with range support (the dashboard's player seeks in it).</summary>
    [Function(nameof(GetRenderFile))]
    public async Task<IActionResult> GetRenderFile(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "renders/{id}/files/{*name}")] HttpRequest request,
        string id,
        string name,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var files = DurableClientScope.Resolve<RenderFileReader>(context.InstanceServices, client);
        var file = await files.OpenAsync(id, name, context.CancellationToken);
        return file.Error is { } error
            ? error.ToActionResult(request.HttpContext.Response)
            : new FileStreamResult(file.Content!, file.ContentType!) { EnableRangeProcessing = true };
    }

    /// <summary>The dashboard page; its calls to the API carry the key it was opened with (<c>?code=</c>).</summary>
    [Function(nameof(Dashboard))]
    public static IActionResult Dashboard(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "dashboard")] HttpRequest request) =>
        new ContentResult { StatusCode = 200, Content = DashboardPage.Html, ContentType = "text/html; charset=utf-8" };
}
