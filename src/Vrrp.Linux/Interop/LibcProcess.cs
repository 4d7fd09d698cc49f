using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

// The libc calls behind scripts: spawning and reaping children, signalling process groups,
// file status for the script security check, user lookup and FIFOs. posix_spawn* and the
// getpw/getgr *_r functions return an errno value instead of setting errno.
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "posix_spawn")]
    internal static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_init")]
    internal static partial int PosixSpawnAttrInit(void* attributes);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int PosixSpawnAttrDestroy(void* attributes);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int PosixSpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setpgroup")]
    internal static partial int PosixSpawnAttrSetPGroup(void* attributes, int processGroup);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static partial int PosixSpawnAttrSetSigMask(void* attributes, void* signalSet);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static partial int PosixSpawnAttrSetSigDefault(void* attributes, void* signalSet);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int PosixSpawnFileActionsInit(void* fileActions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int PosixSpawnFileActionsDestroy(void* fileActions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addopen")]
    internal static partial int PosixSpawnFileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int PosixSpawnFileActionsAddDup2(void* fileActions, int fd, int newFd);

    // glibc 2.34 and later; older libcs lack the symbol and the call is skipped.
    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    internal static partial int PosixSpawnFileActionsAddCloseFrom(void* fileActions, int lowFd);

    [LibraryImport(Lib, EntryPoint = "sigemptyset", SetLastError = true)]
    internal static partial int SigEmptySet(void* signalSet);

    [LibraryImport(Lib, EntryPoint = "sigfillset", SetLastError = true)]
    internal static partial int SigFillSet(void* signalSet);

    [LibraryImport(Lib, EntryPoint = "sigdelset", SetLastError = true)]
    internal static partial int SigDelSet(void* signalSet, int signal);

    // pidfd_open has a glibc wrapper only since 2.36; the system call number is the same on
    // every architecture (new calls are numbered from 424 up everywhere).
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long SysCall(long number, long argument1, long argument2);

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* RealPath(string path, byte* resolved);

    [LibraryImport(Lib, EntryPoint = "free")]
    internal static partial void Free(void* pointer);

    [LibraryImport(Lib, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GetPwNamR(string name, Passwd* entry, byte* buffer, nuint bufferLength, Passwd** result);

    [LibraryImport(Lib, EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GetGrNamR(string name, Group* entry, byte* buffer, nuint bufferLength, Group** result);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    internal static partial uint GetEUid();

    [LibraryImport(Lib, EntryPoint = "getegid")]
    internal static partial uint GetEGid();

    [LibraryImport(Lib, EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MkFifo(string path, uint mode);

    [LibraryImport(Lib, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chown(string path, uint owner, uint group);

    [LibraryImport(Lib, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Unlink(string path);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, uint mode);
}

/// <summary>struct pollfd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}

/// <summary>struct passwd (glibc, LP64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Passwd
{
    public byte* Name;
    public byte* Password;
    public uint Uid;
    public uint Gid;
    public byte* Gecos;
    public byte* Directory;
    public byte* Shell;
}

/// <summary>struct group (glibc, LP64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Group
{
    public byte* Name;
    public byte* Password;
    public uint Gid;
    public byte** Members;
}

#pragma warning disable CA1707 // C names keep their underscores so they can be looked up in the headers.

/// <summary>posix_spawn flags (spawn.h, glibc values).</summary>
internal static class Spawn
{
    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    // Generous sizes for the opaque glibc types (336, 80 and 128 bytes on LP64).
    public const int AttributesSize = 1024;
    public const int FileActionsSize = 256;
    public const int SigSetSize = 256;
}

/// <summary>Process and signal constants (signal.h, sys/wait.h, poll.h, linux/pidfd.h).</summary>
internal static class Proc
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGSTOP = 19;

    public const int WNOHANG = 1;
    public const int ECHILD = 10;
    public const int ESRCH = 3;
    public const int ENOSYS = 38;

    public const short POLLIN = 0x001;

    public const long SYS_pidfd_open = 434;
}

/// <summary>File constants (fcntl.h, sys/stat.h, linux/stat.h).</summary>
internal static class FileConst
{
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_TYPE = 0x1;
    public const uint STATX_MODE = 0x2;
    public const uint STATX_UID = 0x8;
    public const uint STATX_GID = 0x10;
    public const int StatxSize = 256;
    public const int StatxOffsetUid = 20;
    public const int StatxOffsetGid = 24;
    public const int StatxOffsetMode = 28;

    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    // O_NOFOLLOW is 0x20000 on x86 and 0x8000 on arm/arm64 (asm-generic vs arch headers).
    public static int O_NOFOLLOW => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
}
