using Vrrp.Core.Wire;

namespace Vrrp.Core.Router;

/// <summary>
/// The protocol's derived times, in ticks so they never truncate to zero at short intervals
/// (a VRRPv3 interval of 1 cs at priority 254 still has a Skew_Time of 781 ticks = 78.1 µs).
/// </summary>
public static class VrrpTiming
{
    /// <summary>Ticks in one centisecond.</summary>
    public const long TicksPerCentisecond = TimeSpan.TicksPerMillisecond * 10;

    /// <summary>An interval in centiseconds as a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan FromCentiseconds(int centiseconds) => new(centiseconds * TicksPerCentisecond);

    /// <summary>
    /// Skew_Time. VRRPv2: (256 - Priority) / 256 seconds (RFC 3768 6.1). VRRPv3:
    /// ((256 - Priority) * Master_Adver_Interval) / 256 (RFC 5798 6.1, unchanged in RFC 9568),
    /// computed in ticks rather than centiseconds.
    /// </summary>
    public static TimeSpan SkewTime(VrrpVersion version, byte priority, TimeSpan masterAdverInterval) => version == VrrpVersion.V2
        ? new TimeSpan((256 - priority) * TimeSpan.TicksPerSecond / 256)
        : new TimeSpan((256 - priority) * masterAdverInterval.Ticks / 256);

    /// <summary>
    /// Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time (RFC 5798 6.1; RFC 3768 6.1
    /// with the configured Advertisement_Interval, which VRRPv2 never learns). keepalived's
    /// <c>down_timer_adverts</c> replaces the 3 with <paramref name="downTimerAdverts"/>.
    /// </summary>
    public static TimeSpan MasterDownInterval(VrrpVersion version, byte priority, TimeSpan masterAdverInterval, int downTimerAdverts = 3) =>
        downTimerAdverts * masterAdverInterval + SkewTime(version, priority, masterAdverInterval);
}
