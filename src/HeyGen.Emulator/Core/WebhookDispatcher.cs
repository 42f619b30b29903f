using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HeyGen.Client;
using Microsoft.Extensions.Logging;

namespace HeyGen.Emulator.Core;

/// <summary>
/// Sends webhook events over real HTTP: signed to registered endpoints, unsigned to per-request callback URLs,
/// retried with exponential backoff on emulator time, with the webhook faults applied to first attempts.
/// </summary>
internal sealed class WebhookDispatcher : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly EmulatorOptions _options;
    private readonly EmulatorFaults _faults;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly List<WebhookDeliveryAttempt> _attempts = [];
    private readonly ConcurrentDictionary<int, Task> _inFlight = new();
    private readonly HashSet<ITimer> _timers = [];
    private readonly List<Delivery> _held = [];
    private int _nextTaskId;

    public WebhookDispatcher(TimeProvider time, EmulatorOptions options, EmulatorFaults faults, ILogger logger)
    {
        _time = time;
        _options = options;
        _faults = faults;
        _logger = logger;
        // The receiver's timeout is enforced per attempt below, on real time: an HTTP call cannot wait on a manual clock.
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    public int InFlight => _inFlight.Count;

    public int Scheduled
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count + _held.Count;
            }
        }
    }

    public IReadOnlyList<WebhookDeliveryAttempt> SnapshotAttempts()
    {
        lock (_gate)
        {
            return [.. _attempts];
        }
    }

    /// <summary>Sends an event to <paramref name="url"/>, signed with the endpoint secret when <paramref name="signed"/>.</summary>
    public void Dispatch(WebhookEvent evt, string url, Func<string?> secret, bool signed)
    {
        var delivery = new Delivery(evt, url, secret, signed);
        var fault = _faults.Take(null, null, FaultKind.WebhookDrop, FaultKind.WebhookDuplicate, FaultKind.WebhookDelay, FaultKind.WebhookReorder);
        switch (fault?.Kind)
        {
            case FaultKind.WebhookDrop:
                Log.WebhookDropped(_logger, evt.EventId, evt.EventType);
                return;
            case FaultKind.WebhookDuplicate:
                Send(delivery, 1);
                Send(delivery, 1);
                return;
            case FaultKind.WebhookDelay:
                Schedule(fault.Delay, () => Send(delivery, 1));
                return;
            case FaultKind.WebhookReorder:
                lock (_gate)
                {
                    _held.Add(delivery);
                }

                // Released after the next delivery, or after Delay if none comes.
                Schedule(fault.Delay, ReleaseHeld);
                return;
            default:
                Send(delivery, 1);
                return;
        }
    }

    /// <summary>Completes when no delivery is on the wire (scheduled retries and delays do not count: they wait for time).</summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = _inFlight.Values.ToArray();
            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        _http.Dispose();
    }

    private void ReleaseHeld()
    {
        List<Delivery> held;
        lock (_gate)
        {
            held = [.. _held];
            _held.Clear();
        }

        foreach (var delivery in held)
        {
            Send(delivery, 1);
        }
    }

    private void Schedule(TimeSpan delay, Action action)
    {
        ITimer? timer = null;
        lock (_gate)
        {
            timer = _time.CreateTimer(
                _ =>
                {
                    lock (_gate)
                    {
                        if (timer is null || !_timers.Remove(timer))
                        {
                            return;
                        }
                    }

                    timer.Dispose();
                    action();
                },
                null,
                delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
                Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
    }

    private void Send(Delivery delivery, int attempt)
    {
        var id = Interlocked.Increment(ref _nextTaskId);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inFlight[id] = gate.Task;
        _ = Task.Run(async () =>
        {
            try
            {
                await SendOnceAsync(delivery, attempt).ConfigureAwait(false);
            }
            finally
            {
                _inFlight.TryRemove(id, out _);
                gate.SetResult();
            }
        });
    }

    private async Task SendOnceAsync(Delivery delivery, int attempt)
    {
        var evt = delivery.Event;
        var body = Encoding.UTF8.GetBytes(evt.BodyJson);
        var now = _time.GetUtcNow();
        int? status = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookVerifier.EventIdHeader, evt.EventId);
            request.Headers.TryAddWithoutValidation(WebhookVerifier.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            if (delivery.Signed)
            {
                // The secret is read at send time: a rotation takes effect at once, retries included.
                var secret = delivery.Secret();
                if (secret is null)
                {
                    return; // endpoint deleted meanwhile
                }

                request.Headers.TryAddWithoutValidation(WebhookVerifier.SignatureHeader, WebhookSigner.ComputeSignature(body, secret));
            }

            using var timeout = new CancellationTokenSource(_options.WebhookTimeout);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            Log.WebhookFailed(_logger, evt.EventId, attempt, ex.GetType().Name);
        }

        var ok = status is >= 200 and < 300;
        lock (_gate)
        {
            _attempts.Add(new WebhookDeliveryAttempt(evt.EventId, evt.EventType, delivery.Url, delivery.Signed, attempt, status, ok, now));
        }

        if (!ok && attempt < _options.WebhookMaxAttempts)
        {
            var delay = _options.WebhookRetryBaseDelay * Math.Pow(2, attempt - 1);
            Schedule(delay, () => Send(delivery, attempt + 1));
        }

        if (attempt == 1)
        {
            bool release;
            lock (_gate)
            {
                release = _held.Count > 0;
            }

            if (release)
            {
                ReleaseHeld();
            }
        }
    }

    private sealed record Delivery(WebhookEvent Event, string Url, Func<string?> Secret, bool Signed);
}
