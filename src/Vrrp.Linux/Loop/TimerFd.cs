using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// A one-shot CLOCK_MONOTONIC timer descriptor for the event loop: the loop re-arms it to the
/// core's next deadline with <see cref="ArmAt"/> (absolute, nanosecond precision) and, when
/// epoll reports it readable, calls <see cref="Acknowledge"/>. See <see cref="MonotonicClock"/>
/// for converting Stopwatch timestamps. Nothing here allocates.
/// </summary>
public sealed unsafe class TimerFd : IDisposable
{
    private readonly SafeFileDescriptor _fd;

    /// <summary>Creates a non-blocking, disarmed timer.</summary>
    public TimerFd() =>
        _fd = new SafeFileDescriptor(LinuxError.Check(Libc.TimerFdCreate(Fd.CLOCK_MONOTONIC, Fd.TFD_NONBLOCK | Fd.TFD_CLOEXEC), "timerfd_create"));

    /// <summary>The descriptor, to register with <see cref="Epoll"/>.</summary>
    public SafeHandle Handle => _fd;

    /// <summary>
    /// Arms the timer to fire once at <paramref name="monotonicNanoseconds"/> on CLOCK_MONOTONIC.
    /// A deadline already past fires immediately; <see cref="long.MaxValue"/> disarms.
    /// </summary>
    public void ArmAt(long monotonicNanoseconds)
    {
        if (monotonicNanoseconds == long.MaxValue)
        {
            Disarm();
            return;
        }
        // An all-zero it_value would disarm; the earliest real instant is 1 ns.
        long ns = Math.Max(1, monotonicNanoseconds);
        ITimerSpec spec = default;
        spec.Value.Seconds = ns / 1_000_000_000L;
        spec.Value.Nanoseconds = ns % 1_000_000_000L;
        if (Libc.TimerFdSetTime(_fd, Fd.TFD_TIMER_ABSTIME, &spec, null) < 0) LinuxError.Throw("timerfd_settime");
    }

    /// <summary>Stops the timer.</summary>
    public void Disarm()
    {
        ITimerSpec spec = default;
        if (Libc.TimerFdSetTime(_fd, 0, &spec, null) < 0) LinuxError.Throw("timerfd_settime");
    }

    /// <summary>Consumes the expiration so epoll stops reporting it; returns the number of expirations (0 if none).</summary>
    public ulong Acknowledge()
    {
        ulong count;
        return Libc.Read(_fd, &count, sizeof(ulong)) == sizeof(ulong) ? count : 0;
    }

    /// <inheritdoc/>
    public void Dispose() => _fd.Dispose();
}
