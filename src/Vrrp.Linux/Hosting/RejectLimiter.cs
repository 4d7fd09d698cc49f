using Vrrp.Core.Router;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Rate limit for logging rejected input: at most one line per reason per second; what was not
/// logged is counted and reported with the next line, or by <see cref="TryTakeSummary"/> once
/// the second has passed, so a flood costs one line a second and nothing is hidden.
/// </summary>
internal sealed class RejectLimiter(int reasons)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private readonly Instant[] _lastLogged = Enumerable.Repeat(new Instant(long.MinValue / 2), reasons).ToArray(); // "long ago", without overflow
    private readonly long[] _suppressed = new long[reasons];

    /// <summary>True when a line may be logged now for <paramref name="reason"/>; else the rejection is counted as suppressed.</summary>
    public bool ShouldLog(int reason, Instant now, out long suppressed)
    {
        suppressed = _suppressed[reason];
        if (now.Ticks - _lastLogged[reason].Ticks < Period.Ticks)
        {
            _suppressed[reason]++;
            return false;
        }
        _lastLogged[reason] = now;
        _suppressed[reason] = 0;
        return true;
    }

    /// <summary>True when rejections were suppressed for <paramref name="reason"/> and their second is over: report the count.</summary>
    public bool TryTakeSummary(int reason, Instant now, out long suppressed)
    {
        suppressed = _suppressed[reason];
        if (suppressed == 0 || now.Ticks - _lastLogged[reason].Ticks < Period.Ticks)
            return false;
        _lastLogged[reason] = now;
        _suppressed[reason] = 0;
        return true;
    }

    public int Reasons => _suppressed.Length;
}
