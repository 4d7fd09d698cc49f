using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

/// <summary>A file descriptor that is not a socket (epoll, timerfd, eventfd, namespace file), closed once.</summary>
internal sealed class SafeFileDescriptor : SafeHandle
{
    public SafeFileDescriptor() : base(-1, ownsHandle: true) { }

    public SafeFileDescriptor(int fd) : base(-1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Value => (int)handle;

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
