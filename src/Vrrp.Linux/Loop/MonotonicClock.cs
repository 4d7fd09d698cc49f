using System.Diagnostics;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// CLOCK_MONOTONIC, the clock <see cref="TimerFd"/> arms against. On Linux
/// <see cref="Stopwatch.GetTimestamp"/> reads the same clock in nanoseconds
/// (<see cref="Stopwatch.Frequency"/> is 1e9), so a deadline computed from Stopwatch timestamps
/// can be given to <see cref="TimerFd.ArmAt"/> as is, through <see cref="FromStopwatchTimestamp"/>.
/// A core <c>Instant</c> in 100 ns ticks taken from the same clock is <c>ticks * 100</c> ns.
/// </summary>
public static unsafe class MonotonicClock
{
    /// <summary>Now on CLOCK_MONOTONIC, in nanoseconds.</summary>
    public static long NowNanoseconds
    {
        get
        {
            TimeSpec now;
            Libc.ClockGetTime(Fd.CLOCK_MONOTONIC, &now);
            return (now.Seconds * 1_000_000_000L) + now.Nanoseconds;
        }
    }

    /// <summary>Converts a <see cref="Stopwatch.GetTimestamp"/> value to CLOCK_MONOTONIC nanoseconds.</summary>
    public static long FromStopwatchTimestamp(long timestamp) =>
        Stopwatch.Frequency == 1_000_000_000L ? timestamp : (long)((Int128)timestamp * 1_000_000_000L / Stopwatch.Frequency);
}
