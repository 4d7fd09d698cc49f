using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

#pragma warning disable CA1707 // C names keep their underscores so they can be looked up in the headers.

// The libc calls behind the trackers that watch the system: inotify for tracked files (the
// process events connector is a netlink socket and needs nothing beyond Libc.cs).
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    internal static partial int InotifyInit1(int flags);

    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int InotifyAddWatch(SafeFileDescriptor fd, string path, uint mask);

    [LibraryImport(Lib, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    internal static partial int InotifyRmWatch(SafeFileDescriptor fd, int watch);

    // realpath(path, NULL): a malloc'd string to free().
    [LibraryImport(Lib, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint RealPath(string path, nint resolved);

    [LibraryImport(Lib, EntryPoint = "free")]
    internal static partial void Free(nint pointer);
}

/// <summary>The process events connector (linux/connector.h, linux/cn_proc.h).</summary>
internal static class Cn
{
    public const int NETLINK_CONNECTOR = 11;
    public const uint CN_IDX_PROC = 1;
    public const uint CN_VAL_PROC = 1;
    public const uint PROC_CN_MCAST_LISTEN = 1;
    public const uint PROC_CN_MCAST_IGNORE = 2;

    public const uint PROC_EVENT_NONE = 0;
    public const uint PROC_EVENT_FORK = 0x1;
    public const uint PROC_EVENT_EXEC = 0x2;
    public const uint PROC_EVENT_COMM = 0x200;
    public const uint PROC_EVENT_EXIT = 0x80000000;

    public const int NlMsgHdrSize = 16;
    public const int CnMsgSize = 20;              // struct cn_msg: id (idx, val), seq, ack, len, flags
    public const int ProcEventOffset = NlMsgHdrSize + CnMsgSize;
    public const int ProcEventDataOffset = 16;    // struct proc_event: what, cpu, timestamp_ns, then the union
    public const int CommLength = 16;             // TASK_COMM_LEN
}

/// <summary>inotify (sys/inotify.h).</summary>
internal static class Inotify
{
    public const int IN_NONBLOCK = 0x800;
    public const int IN_CLOEXEC = 0x80000;

    public const uint IN_CLOSE_WRITE = 0x8;
    public const uint IN_MOVED_FROM = 0x40;
    public const uint IN_MOVED_TO = 0x80;
    public const uint IN_DELETE = 0x200;
    public const uint IN_DELETE_SELF = 0x400;
    public const uint IN_MOVE_SELF = 0x800;
    public const uint IN_Q_OVERFLOW = 0x4000;
    public const uint IN_IGNORED = 0x8000;
    public const uint IN_ONLYDIR = 0x1000000;
    public const uint IN_ISDIR = 0x40000000;

    public const int EventHeaderSize = 16;        // struct inotify_event: wd, mask, cookie, len, then the name
}
