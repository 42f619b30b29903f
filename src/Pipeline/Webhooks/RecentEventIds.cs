namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// The event ids this process journaled lately, so a repeated delivery (HeyGen's retry, or a replayed capture) is answered
/// as a duplicate without another journal write. Bounded: two generations of at most half the capacity each; the
/// durable de-duplication is the dispatcher's (<see cref="WebhookDedupe"/>), this only saves work.
/// </summary>
public sealed class RecentEventIds
{
    private readonly int _generationSize;
    private readonly Lock _gate = new();
    private HashSet<string> _current = new(StringComparer.Ordinal);
    private HashSet<string> _previous = new(StringComparer.Ordinal);

    /// <summary>Creates the set.</summary>
    /// <param name="capacity">About how many ids are remembered.</param>
    public RecentEventIds(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _generationSize = capacity / 2;
    }

    /// <summary>Remembers <paramref name="eventId"/>.</summary>
    /// <param name="eventId">The event id.</param>
    /// <returns>False when it was already remembered.</returns>
    public bool TryAdd(string eventId)
    {
        lock (_gate)
        {
            if (_current.Contains(eventId) || _previous.Contains(eventId))
            {
                return false;
            }

            if (_current.Count >= _generationSize)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
            }

            _current.Add(eventId);
            return true;
        }
    }

    /// <summary>Forgets <paramref name="eventId"/> (its journal write failed, so HeyGen's retry must be taken).</summary>
    /// <param name="eventId">The event id.</param>
    public void Remove(string eventId)
    {
        lock (_gate)
        {
            _current.Remove(eventId);
            _previous.Remove(eventId);
        }
    }
}
