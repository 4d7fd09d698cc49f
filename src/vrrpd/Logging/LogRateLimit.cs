namespace Vrrpd.Logging;

/// <summary>
/// At most one line per period for a repeating condition; the lines not written are counted and
/// the count goes with the next one, so a storm costs a line a period and hides nothing. Thread-safe.
/// </summary>
internal sealed class LogRateLimit(TimeSpan period)
{
    private readonly Lock _lock = new();
    private long _lastTicks = long.MinValue / 2;
    private long _suppressed;

    /// <summary>True when a line may be written now (<paramref name="suppressed"/>: how many were not since the last).</summary>
    public bool ShouldLog(out long suppressed)
    {
        lock (_lock)
        {
            long now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
            if (now - _lastTicks < period.Ticks)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }
            _lastTicks = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
