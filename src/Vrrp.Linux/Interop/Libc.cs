using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

/// <summary>
/// The libc calls of the product, one line each. Every call sets errno for
/// <see cref="Marshal.GetLastPInvokeError"/>; callers turn it into a result or an exception.
/// Socket arguments are <see cref="SafeSocketHandle"/> so the descriptor cannot be closed and
/// reused under a call in flight.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(SafeSocketHandle fd, void* address, uint addressLength);

    [LibraryImport(Lib, EntryPoint = "getsockname", SetLastError = true)]
    internal static partial int GetSockName(SafeSocketHandle fd, void* address, uint* addressLength);

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(SafeSocketHandle fd, int level, int name, void* value, uint length);

    [LibraryImport(Lib, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(SafeSocketHandle fd, int level, int name, void* value, uint* length);

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    internal static partial void* Mmap(void* address, nuint length, int protection, int flags, SafeSocketHandle fd, nint offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(void* address, nuint length);

    [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(SafeSocketHandle fd, void* buffer, nuint length, int flags);

    [LibraryImport(Lib, EntryPoint = "sendto", SetLastError = true)]
    internal static partial nint SendTo(SafeSocketHandle fd, void* buffer, nuint length, int flags, void* address, uint addressLength);

    [LibraryImport(Lib, EntryPoint = "recv", SetLastError = true)]
    internal static partial nint Recv(SafeSocketHandle fd, void* buffer, nuint length, int flags);

    [LibraryImport(Lib, EntryPoint = "recvmsg", SetLastError = true)]
    internal static partial nint RecvMsg(SafeSocketHandle fd, MsgHdr* message, int flags);

    [LibraryImport(Lib, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static partial int RecvMMsg(SafeSocketHandle fd, MMsgHdr* messages, uint count, int flags, TimeSpec* timeout);

    [LibraryImport(Lib, EntryPoint = "sendmmsg", SetLastError = true)]
    internal static partial int SendMMsg(SafeSocketHandle fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static partial int EpollCtl(SafeFileDescriptor epfd, int op, int fd, void* ev);

    [LibraryImport(Lib, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static partial int EpollWait(SafeFileDescriptor epfd, void* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport(Lib, EntryPoint = "timerfd_create", SetLastError = true)]
    internal static partial int TimerFdCreate(int clockId, int flags);

    [LibraryImport(Lib, EntryPoint = "timerfd_settime", SetLastError = true)]
    internal static partial int TimerFdSetTime(SafeFileDescriptor fd, int flags, ITimerSpec* newValue, ITimerSpec* oldValue);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(SafeFileDescriptor fd, void* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(SafeFileDescriptor fd, void* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "clock_gettime", SetLastError = true)]
    internal static partial int ClockGetTime(int clockId, TimeSpec* time);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(int fd, int namespaceType);
}
