using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// An eventfd that wakes the event loop from other threads (script results, signals, the
/// control socket): any thread calls <see cref="Signal"/>; the loop, woken by epoll, calls
/// <see cref="Drain"/> and then looks at its queues. Nothing here allocates.
/// </summary>
public sealed unsafe class EventFd : IDisposable
{
    private readonly SafeFileDescriptor _fd;

    /// <summary>Creates a non-blocking eventfd with a zero counter.</summary>
    public EventFd() =>
        _fd = new SafeFileDescriptor(LinuxError.Check(Libc.EventFd(0, Fd.EFD_NONBLOCK | Fd.EFD_CLOEXEC), "eventfd"));

    /// <summary>The descriptor, to register with <see cref="Epoll"/>.</summary>
    public SafeHandle Handle => _fd;

    /// <summary>Makes the descriptor readable (thread-safe; signals coalesce until drained).</summary>
    public void Signal()
    {
        ulong one = 1;
        // Only fails on counter overflow (2^64 - 2 unread signals), which still leaves it readable.
        _ = Libc.Write(_fd, &one, sizeof(ulong));
    }

    /// <summary>Resets the counter; returns how many signals had accumulated (0 if none).</summary>
    public ulong Drain()
    {
        ulong count;
        return Libc.Read(_fd, &count, sizeof(ulong)) == sizeof(ulong) ? count : 0;
    }

    /// <inheritdoc/>
    public void Dispose() => _fd.Dispose();
}
