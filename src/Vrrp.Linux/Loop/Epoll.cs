using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>Readiness conditions of an epoll registration (EPOLLIN, ...).</summary>
[Flags]
public enum EpollEvents : uint
{
    /// <summary>No condition.</summary>
    None = 0,
    /// <summary>EPOLLIN: readable.</summary>
    In = 0x001,
    /// <summary>EPOLLPRI: exceptional condition.</summary>
    Priority = 0x002,
    /// <summary>EPOLLOUT: writable.</summary>
    Out = 0x004,
    /// <summary>EPOLLERR: error (always reported).</summary>
    Error = 0x008,
    /// <summary>EPOLLHUP: hang-up (always reported).</summary>
    HangUp = 0x010,
    /// <summary>EPOLLET: edge-triggered.</summary>
    EdgeTriggered = 1u << 31,
}

/// <summary>One ready descriptor: the token given at registration and what it is ready for.</summary>
public readonly record struct EpollEvent(ulong Token, EpollEvents Events);

/// <summary>
/// An epoll instance for a single-threaded event loop. Descriptors are registered with a
/// caller-chosen 64-bit token (an index into the loop's table, say) that comes back with each
/// event; <see cref="Wait"/> fills a caller's span and allocates nothing.
/// </summary>
public sealed unsafe class Epoll : IDisposable
{
    // struct epoll_event is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16 bytes).
    private static readonly bool Packed = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
    private static readonly int Stride = Packed ? 12 : 16;
    private static readonly int DataOffset = Packed ? 4 : 8;

    private readonly SafeFileDescriptor _fd;
    private readonly byte* _events;
    private readonly int _capacity;

    /// <summary>Creates the instance; <paramref name="capacity"/> bounds the events one <see cref="Wait"/> returns.</summary>
    public Epoll(int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _fd = new SafeFileDescriptor(LinuxError.Check(Libc.EpollCreate1(EpollNative.EPOLL_CLOEXEC), "epoll_create1"));
        _capacity = capacity;
        _events = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * Stride));
    }

    /// <summary>The epoll descriptor itself (it can be nested in another epoll).</summary>
    public SafeHandle Handle => _fd;

    /// <summary>Registers <paramref name="handle"/> (EPOLL_CTL_ADD).</summary>
    public void Add(SafeHandle handle, ulong token, EpollEvents events = EpollEvents.In) => Control(EpollNative.EPOLL_CTL_ADD, handle, token, events, "add");

    /// <summary>Changes the token or conditions of a registered descriptor (EPOLL_CTL_MOD).</summary>
    public void Modify(SafeHandle handle, ulong token, EpollEvents events = EpollEvents.In) => Control(EpollNative.EPOLL_CTL_MOD, handle, token, events, "modify");

    /// <summary>Unregisters a descriptor (EPOLL_CTL_DEL). Closing a descriptor also unregisters it.</summary>
    public void Remove(SafeHandle handle) => Control(EpollNative.EPOLL_CTL_DEL, handle, 0, EpollEvents.None, "remove");

    /// <summary>
    /// Waits until a registered descriptor is ready or <paramref name="timeoutMilliseconds"/>
    /// passes (-1: no limit, 0: poll). Returns the number of events written to
    /// <paramref name="events"/>; 0 on timeout or when a signal interrupted the wait.
    /// </summary>
    public int Wait(Span<EpollEvent> events, int timeoutMilliseconds = -1)
    {
        int max = Math.Min(events.Length, _capacity);
        if (max == 0) return 0;
        int n = Libc.EpollWait(_fd, _events, max, timeoutMilliseconds);
        if (n < 0)
        {
            int errno = LinuxError.Last;
            if (errno == Errno.EINTR) return 0;
            LinuxError.Throw("epoll_wait", errno);
        }
        for (int i = 0; i < n; i++)
        {
            byte* e = _events + (i * Stride);
            events[i] = new EpollEvent(*(ulong*)(e + DataOffset), (EpollEvents)(*(uint*)e));
        }
        return n;
    }

    private void Control(int op, SafeHandle handle, ulong token, EpollEvents events, string what)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = (uint)events;
        *(ulong*)(ev + DataOffset) = token;
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (Libc.EpollCtl(_fd, op, (int)handle.DangerousGetHandle(), ev) < 0) LinuxError.Throw($"epoll_ctl {what}");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fd.IsClosed) return;
        _fd.Dispose();
        NativeMemory.Free(_events);
    }
}
