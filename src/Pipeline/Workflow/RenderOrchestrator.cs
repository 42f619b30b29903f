using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.DurableTask;

namespace HeyGenRender.Pipeline.Workflow;

/// <summary>
/// The render workflow: prepare, upload assets (in parallel), take a HeyGen slot, create the job, wait (webhook raced
/// against a polling timer, bounded by the deadline), release the slot, download the outputs, write result.json —
/// or error.json with the failed stage. Deterministic: time, waiting and I/O only through the context.
/// The Functions app calls <see cref="RunAsync"/> from <c>[Function(RenderWorkflowNames.Orchestrator)]</c> with its
/// <see cref="TaskOrchestrationContext"/>; the local host registers it with <c>RenderWorkflowRegistry.AddRenderWorkflow</c>.
/// </summary>
public static class RenderOrchestrator
{
    // A trust violation is not retried: the same refusal would come four times.
    private static readonly TaskOptions s_retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1))
    {
        HandleFailure = failure => !failure.IsCausedBy<TrustViolationException>(),
    });

    // Bounds on the loops, so history stays bounded even if HeyGen keeps throttling or sends events without end;
    // the deadline ends a render long before either is reached in practice.
    private const int MaxCreateAttempts = 200;
    private const int MaxWaitRounds = 5_000;

    /// <summary>Runs the workflow; the input is a <see cref="RenderRequest"/>.</summary>
    public static async Task<RenderOutcome> RunAsync(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.GetInput<RenderRequest>() ?? throw new InvalidOperationException("The render orchestration needs a RenderRequest input.");
        var run = new Run(context, request);
        return await run.ExecuteAsync();
    }

    private sealed class Run(TaskOrchestrationContext context, RenderRequest request)
    {
        private readonly CancellationTokenSource _cancelWait = new();
        private readonly DateTime _started = context.CurrentUtcDateTime;
        private Task<object?>? _cancelled;
        private string _stage = RenderStages.Prepare;
        private RenderTimings _timings = new(context.CurrentUtcDateTime, null, null, null, null);
        private RenderCounters _counters = new(0, 0, 0, 0, 0);
        private CreateJobResult? _job;
        private Task<DownloadResult>? _download; // in flight when a cancel arrives: awaited, and its files discarded
        private bool _holdsSlot; // holds or waits for a slot: released (or dequeued) on every path
        private RenderPlan? _plan;

        private DateTime Deadline => _started + request.Timeout;

        public async Task<RenderOutcome> ExecuteAsync()
        {
            _cancelled = context.WaitForExternalEvent<object?>(RenderEvents.Cancel, _cancelWait.Token);
            try
            {
                return await RenderAsync();
            }
            catch (RenderStopped stop)
            {
                return await FailAsync(stop.Code, stop.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var code = ex is TaskFailedException tf ? ErrorCodeOf(tf) : "error";
                return await FailAsync(code, ex is TaskFailedException f ? MessageOf(f) : ex.Message);
            }
            finally
            {
                await ReleaseSlotAsync();
                _cancelWait.Cancel();
                _cancelWait.Dispose();
            }
        }

        private async Task<RenderOutcome> RenderAsync()
        {
            if (request.Plan is { } plan)
            {
                _plan = plan; // revision 4: planned by the starter
            }
            else
            {
                Status(5, "reading the job");
                _plan = await Guard(context.CallActivityAsync<RenderPlan>(RenderWorkflowNames.PrepareRender, request, s_retry));
            }

            _stage = RenderStages.Upload;
            Status(10, $"{_plan.Assets.Count} asset(s)");
            var uploads = _plan.Assets.Select(a => context.CallActivityAsync<UploadedAsset>(RenderWorkflowNames.UploadAsset, a, s_retry)).ToList();
            var assets = await Guard(Task.WhenAll(uploads));
            _timings = _timings with { Uploaded = context.CurrentUtcDateTime };

            _stage = RenderStages.Queue;
            await AcquireSlotAsync();

            _stage = RenderStages.Create;
            var job = await CreateJobAsync(assets);
            var jobRef = new JobRef(_plan.Kind, job, _job!.OtherIds);

            _stage = RenderStages.Wait;
            var (snapshot, detectedBy) = await WaitAsync(jobRef);
            _timings = _timings with { HeyGenFinished = context.CurrentUtcDateTime };
            await ReleaseSlotAsync();
            if (snapshot.Status != "completed")
            {
                throw new RenderStopped(snapshot.FailureCode ?? "failed", snapshot.FailureMessage ?? "HeyGen reported the job as failed.");
            }

            _stage = RenderStages.Download;
            Status(85, "downloading", job);
            _download = context.CallActivityAsync<DownloadResult>(
                RenderWorkflowNames.DownloadOutputs, new DownloadInput(jobRef, request.Output, context.InstanceId), s_retry);
            var downloaded = await Guard(_download);
            _timings = _timings with { Finished = context.CurrentUtcDateTime };
            var outputs = downloaded.Outputs ?? [new JobOutput(job, null, snapshot.Duration)];
            var credits = _plan.CreditRate is { } rate ? CreditRates.Estimate(rate, [.. outputs.Select(o => o.DurationSeconds)]) : null;

            _stage = RenderStages.Finish;
            Status(95, "writing result.json", job);
            var result = await context.CallActivityAsync<BlobLocation>(RenderWorkflowNames.WriteResult, new WriteResultInput(
                context.InstanceId, _plan.Kind, job, _job!.OtherIds, snapshot.VideoId, request.Output, assets, downloaded.Files,
                snapshot.Duration, _timings, _counters, detectedBy, outputs, credits), s_retry);
            context.SetCustomStatus(new RenderStatus(RenderStages.Completed, 100, detectedBy, job));
            var videos = downloaded.Files.Where(f => f.Role == "video").Select(f => f.Blob).ToList();
            return new RenderOutcome("completed", result, job, null, null, _counters, videos);
        }

        private async Task AcquireSlotAsync()
        {
            // Set before asking: a render that stops while queued must leave the queue, or the slot it is later
            // granted stays taken until its lease runs out.
            _holdsSlot = true;
            var answer = await CallSlotsAsync(RenderWorkflowNames.AcquireSlot);
            while (!answer.Granted)
            {
                Status(20, $"queued for a HeyGen slot, position {answer.Position}");
                using var cts = new CancellationTokenSource();
                var granted = context.WaitForExternalEvent<object?>(RenderWorkflowNames.SlotGrantedEvent, cts.Token);
                var recheckAt = Min(context.CurrentUtcDateTime + _plan!.SlotRecheckInterval, Deadline);
                var recheck = context.CreateTimer(recheckAt, cts.Token);
                var winner = await Task.WhenAny(granted, recheck, _cancelled!);
                cts.Cancel();
                ThrowIfCancelled(winner);
                if (winner == recheck && recheckAt >= Deadline)
                {
                    throw new RenderStopped("timeout", $"No HeyGen slot became free within the timeout of {request.Timeout}.");
                }

                // The grant event is sent only after the store made this render a holder, so it needs no second
                // round trip; a recheck asks again (idempotent for a holder).
                if (winner == granted && request.WorkflowRevision >= 2)
                {
                    return;
                }

                answer = await CallSlotsAsync(RenderWorkflowNames.AcquireSlot);
            }
        }

        private async Task<SlotAnswer> CallSlotsAsync(string activity)
        {
            var answer = await context.CallActivityAsync<SlotAnswer>(activity, new SlotRequest(
                context.InstanceId, _plan?.ConcurrencyLimit ?? 1, context.CurrentUtcDateTime, Deadline + TimeSpan.FromMinutes(10), _plan?.HeyGenJobs ?? 1), s_retry);
            foreach (var other in answer.Notify)
            {
                context.SendEvent(other, RenderWorkflowNames.SlotGrantedEvent, other);
            }

            return answer;
        }

        private async Task ReleaseSlotAsync()
        {
            if (_holdsSlot)
            {
                _holdsSlot = false;
                await CallSlotsAsync(RenderWorkflowNames.ReleaseSlot);
            }
        }

        private async Task<string> CreateJobAsync(IReadOnlyList<UploadedAsset> assets)
        {
            var input = new CreateJobInput(context.InstanceId, request.JobBlob, assets);
            for (var attempt = 1; attempt <= MaxCreateAttempts; attempt++)
            {
                Status(25, "creating the HeyGen job");
                _counters = _counters with { CreateAttempts = _counters.CreateAttempts + 1 };
                var result = await Guard(context.CallActivityAsync<CreateJobResult>(RenderWorkflowNames.CreateHeyGenJob, input, s_retry));
                if (result.HeyGenId is not null)
                {
                    _job = result;
                    _timings = _timings with { Created = context.CurrentUtcDateTime };
                    return result.HeyGenId;
                }

                if (result.RetryAfter is not { } retryAfter)
                {
                    throw new RenderStopped(result.FailureCode ?? "create_failed", result.FailureMessage ?? "HeyGen refused the job.");
                }

                // Throttled: wait Retry-After on a durable timer, never on a sleeping thread.
                _counters = _counters with { Throttled = _counters.Throttled + 1 };
                var retryAt = context.CurrentUtcDateTime + retryAfter;
                if (retryAt >= Deadline)
                {
                    throw new RenderStopped("timeout", $"HeyGen kept throttling (Retry-After {retryAfter}) past the timeout of {request.Timeout}.");
                }

                Status(25, $"HeyGen is busy; retrying in {retryAfter.TotalSeconds:0} s");

                // Cancelled when a cancel wins: Durable keeps the instance running while a durable timer is pending.
                using var cts = new CancellationTokenSource();
                try
                {
                    await Guard(context.CreateTimer(retryAt, cts.Token));
                }
                finally
                {
                    cts.Cancel();
                }
            }

            throw new RenderStopped("timeout", $"HeyGen kept throttling after {MaxCreateAttempts} attempts.");
        }

        private async Task<(JobSnapshot Snapshot, string DetectedBy)> WaitAsync(JobRef job)
        {
            var mode = _plan!.WaitMode;
            var polls = 0;
            var nextPoll = NextPoll(mode, polls);

            // Revision 3 keeps one safety-net timer until it fires: an event that changes nothing (another video's,
            // a progress event, a confirmation that is not terminal yet) waits on against the same timer. Before it,
            // every event scheduled a new timer, and each of those later fired into the history as one more episode.
            var keepTimer = request.WorkflowRevision >= 3;
            CancellationTokenSource? timerCts = null;
            Task? timer = null;
            var fireAt = DateTime.MinValue;
            try
            {
                for (var round = 1; round <= MaxWaitRounds; round++)
                {
                    Status(40, polls == 0 ? "rendering" : $"rendering (checked {polls}x)", job.HeyGenId);
                    if (timer is null)
                    {
                        timerCts?.Dispose();
                        timerCts = new CancellationTokenSource();
                        fireAt = Min(nextPoll, Deadline);
                        timer = context.CreateTimer(fireAt, timerCts.Token);
                    }

                    using var hookCts = new CancellationTokenSource();
                    var hook = mode == WaitMode.Poll ? null : context.WaitForExternalEvent<WebhookNotification>(RenderEvents.HeyGenWebhook, hookCts.Token);
                    var winner = hook is null ? await Task.WhenAny(timer, _cancelled!) : await Task.WhenAny(timer, hook, _cancelled!);
                    hookCts.Cancel(); // an event wait left behind would swallow the next event
                    if (winner != timer && !keepTimer)
                    {
                        timerCts!.Cancel();
                        timer = null;
                    }

                    ThrowIfCancelled(winner);

                    if (winner == hook)
                    {
                        _counters = _counters with { WebhooksReceived = _counters.WebhooksReceived + 1 };
                        var note = hook.Result;
                        if (!IsAboutThisJob(note, job) || !(note.IsSuccess || note.IsFailure))
                        {
                            continue;
                        }

                        // Trust, but verify: a webhook is confirmed with a GET (a duplicate or stale event changes nothing).
                        _counters = _counters with { Confirmations = _counters.Confirmations + 1 };
                        var confirming = context.CallActivityAsync<JobSnapshot>(RenderWorkflowNames.GetHeyGenJob, job, s_retry);

                        // A signed terminal event means HeyGen has freed the job's slot: hand ours to the next render while
                        // the GET confirms, not after (the hand-over is on the critical path of every queued render). Only
                        // for a single HeyGen job: one language of a translation finishing frees one of several slots.
                        // Should the GET contradict the event, the render waits on without a slot; HeyGen stays the
                        // authority on its limit, and a create it refuses meanwhile waits out its 429.
                        var releasing = job.OtherIds is { Count: > 0 } || request.WorkflowRevision < 2 ? Task.CompletedTask : ReleaseSlotAsync();
                        JobSnapshot confirmed;
                        try
                        {
                            confirmed = await Guard(confirming);
                        }
                        finally
                        {
                            await releasing; // even on a cancel: its grants must be sent before the render ends
                        }

                        if (confirmed.IsTerminal)
                        {
                            return (confirmed, "webhook");
                        }

                        continue;
                    }

                    // The timer fired: poll. Judge by the timer's own target, not by the clock: the Azure Storage backend can
                    // deliver a timer up to a second early (queue visibility is in whole seconds), and waiting again for that
                    // second spins the orchestration through timer after timer.
                    timer = null;
                    var atDeadline = fireAt >= Deadline;
                    _counters = _counters with { Polls = _counters.Polls + 1 };
                    var snapshot = await Guard(context.CallActivityAsync<JobSnapshot>(RenderWorkflowNames.GetHeyGenJob, job, s_retry));
                    if (snapshot.IsTerminal)
                    {
                        return (snapshot, "poll");
                    }

                    polls++;
                    nextPoll = NextPoll(mode, polls);

                    if (atDeadline)
                    {
                        throw new RenderStopped("timeout", $"HeyGen did not finish within the timeout of {request.Timeout}.");
                    }
                }
            }
            finally
            {
                // Durable keeps the instance running while a durable timer is pending.
                timerCts?.Cancel();
                timerCts?.Dispose();
            }

            throw new RenderStopped("timeout", $"HeyGen's job did not finish after {MaxWaitRounds} checks and events.");
        }

        private DateTime NextPoll(WaitMode mode, int polls) =>
            PollSchedule.NextDelay(mode, polls, _plan!) is { } delay ? context.CurrentUtcDateTime + delay : Deadline;

        private bool IsAboutThisJob(WebhookNotification note, JobRef job) =>
            note.HeyGenId is null || note.HeyGenId == job.HeyGenId || (_job?.OtherIds?.Contains(note.HeyGenId) ?? false);

        private async Task<RenderOutcome> FailAsync(string code, string message)
        {
            var failedStage = _stage;
            var heyGenId = _job?.HeyGenId;
            context.SetCustomStatus(new RenderStatus(code == "cancelled" ? RenderStages.Cancelled : RenderStages.Failed, 100, $"{failedStage}: {code}", heyGenId));
            await ReleaseSlotAsync();
            var discard = code == "cancelled" ? await StoredBeforeCancelAsync() : null;
            var blob = await context.CallActivityAsync<BlobLocation>(RenderWorkflowNames.WriteError, new WriteErrorInput(
                context.InstanceId, request.Output, failedStage, code, message, heyGenId, _timings, _counters, discard, _plan?.Kind ?? request.Kind), s_retry);
            var status = code == "cancelled" ? "cancelled" : "failed";
            return new RenderOutcome(status, blob, heyGenId, failedStage, code, _counters);
        }

        // An activity cannot be stopped once scheduled: a download the cancel overtook still writes its files, so wait
        // for it and have them deleted rather than leave a video beside an error.json that says cancelled.
        private async Task<IReadOnlyList<BlobLocation>?> StoredBeforeCancelAsync()
        {
            if (_download is null)
            {
                return null;
            }

            try
            {
                return [.. (await _download).Files.Select(f => f.Blob)];
            }
            catch (TaskFailedException)
            {
                return null; // it stored nothing it reports; its partial blocks are never committed
            }
        }

        private async Task<T> Guard<T>(Task<T> step)
        {
            var winner = await Task.WhenAny(step, _cancelled!);
            ThrowIfCancelled(winner);
            return await step;
        }

        private async Task Guard(Task step)
        {
            var winner = await Task.WhenAny(step, _cancelled!);
            ThrowIfCancelled(winner);
            await step;
        }

        private void ThrowIfCancelled(Task winner)
        {
            if (winner == _cancelled)
            {
                throw new RenderStopped("cancelled", $"The render was cancelled during stage '{_stage}'.");
            }
        }

        private void Status(int progress, string detail, string? heyGenId = null) =>
            context.SetCustomStatus(new RenderStatus(_stage, progress, detail, heyGenId ?? _job?.HeyGenId));

        private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

        // A failure message of the form "heygen:{code} {message}" carries HeyGen's error code.
        private static string ErrorCodeOf(TaskFailedException failure)
        {
            if (failure.FailureDetails?.IsCausedBy<TrustViolationException>() == true)
            {
                return "forbidden";
            }

            return MessageOf(failure) is var message && message.StartsWith("heygen:", StringComparison.Ordinal) && message.IndexOf(' ', StringComparison.Ordinal) is > 7 and var space
                ? message[7..space]
                : "error";
        }

        // FailureDetails can be missing on some backends; the exception's own message still names the activity.
        private static string MessageOf(TaskFailedException failure) => failure.FailureDetails?.ErrorMessage ?? failure.Message;
    }

    // Ends the render with error.json; thrown inside the orchestrator only, so never replay-sensitive.
    private sealed class RenderStopped(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
