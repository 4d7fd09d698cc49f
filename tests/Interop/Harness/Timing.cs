namespace Vrrp.Interop.Tests.Harness;

/// <summary>The RFC's timers, and the margin a measured takeover is allowed over them.</summary>
internal static class Timing
{
    /// <summary>
    /// What a takeover may take beyond the theory: process wake-ups and packet delivery on a
    /// loaded 2-core machine running several labs at once. Stated in README.md's table.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(300);

    /// <summary>Skew_Time of a router with <paramref name="priority"/>: RFC 3768 6.1 (v2, seconds) or RFC 5798 6.1 (v3, scaled by the interval).</summary>
    public static TimeSpan Skew(int version, double advertSeconds, int priority) => version == 2
        ? TimeSpan.FromSeconds((256 - priority) / 256.0)
        : TimeSpan.FromSeconds((256 - priority) * advertSeconds / 256.0);

    /// <summary>Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time (RFC 3768 6.1, RFC 5798 6.1).</summary>
    public static TimeSpan MasterDown(int version, double advertSeconds, int priority) =>
        TimeSpan.FromSeconds(3 * advertSeconds) + Skew(version, advertSeconds, priority);

    public static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";
}
