using System.Runtime.InteropServices;
using System.Text;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>How a child process ended, as waitpid(2) reports it.</summary>
/// <param name="ExitCode">The exit status when it exited normally; -1 otherwise.</param>
/// <param name="Signal">The signal that killed it; 0 when it exited normally or the status was lost.</param>
public readonly record struct ChildExit(int ExitCode, int Signal)
{
    /// <summary>The status could not be collected (someone else reaped the child: SIGCHLD was ignored).</summary>
    public static ChildExit Lost => new(-1, 0);

    /// <summary>It exited normally with status 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>"exited with status 3", "killed by signal 15" or "status lost".</summary>
    public override string ToString() =>
        ExitCode >= 0 ? $"exited with status {ExitCode}" : Signal > 0 ? $"killed by signal {Signal}" : "status lost";
}

/// <summary>Signals a whole process group.</summary>
public static class ProcessGroup
{
    /// <summary>SIGTERM.</summary>
    public const int SIGTERM = Proc.SIGTERM;

    /// <summary>SIGKILL.</summary>
    public const int SIGKILL = Proc.SIGKILL;

    /// <summary>kill(-pgid, signal); false when no process of the group is left (ESRCH) or it is not ours (EPERM).</summary>
    public static bool Signal(int processGroupId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processGroupId, 2);
        return Libc.Kill(-processGroupId, signal) == 0;
    }
}

/// <summary>
/// A child process started with posix_spawn(3) as the leader of a new process group (its pid is
/// the group id), with every signal at its default action, an empty signal mask, stdin, stdout
/// and stderr on /dev/null and no other descriptor inherited: what keepalived gives a script.
/// Its exit is watched through a pidfd, so no SIGCHLD handler is involved; the owner waits with
/// <see cref="WaitForExit"/>, collects the status with <see cref="Reap"/> (no zombie is left),
/// and may signal the whole group until then. <see cref="Dispose"/> kills and reaps a child that
/// is still there.
/// </summary>
public sealed unsafe class ChildProcess : IDisposable
{
    private static bool s_closeFromMissing;

    private readonly Lock _lock = new();
    private readonly SafeFileDescriptor _pidFd;
    private bool _reaped;
    private ChildExit _exit;

    private ChildProcess(int pid, SafeFileDescriptor pidFd)
    {
        Id = pid;
        _pidFd = pidFd;
    }

    /// <summary>The process id, which is also its process group id.</summary>
    public int Id { get; }

    /// <summary>The exit status, once <see cref="Reap"/> has collected it.</summary>
    public ChildExit? Exit
    {
        get { lock (_lock) return _reaped ? _exit : null; }
    }

    /// <summary>
    /// Starts <paramref name="path"/> (no PATH search) with <paramref name="arguments"/> as argv
    /// (argv[0] included) and <paramref name="environment"/> as "NAME=value" entries. Returns 0
    /// and the child, or the errno of the failed exec (ENOENT, EACCES, ENOEXEC...) and null.
    /// </summary>
    public static int TryStart(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment, out ChildProcess? child)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfZero(arguments.Count);
        child = null;
        using var strings = new NativeStrings(path, arguments, environment);
        void* attributes = NativeMemory.AllocZeroed(Spawn.AttributesSize);
        void* actions = NativeMemory.AllocZeroed(Spawn.FileActionsSize);
        void* signals = NativeMemory.AllocZeroed(Spawn.SigSetSize);
        int pid = 0;
        try
        {
            Check(Libc.PosixSpawnAttrInit(attributes), "posix_spawnattr_init");
            Check(Libc.PosixSpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
            try
            {
                // Own process group (setpgid(0, 0) as keepalived does), so a timeout kills the
                // script and everything it started; default signal actions and an empty mask,
                // whatever this runtime ignores or blocks (SIGPIPE, signals read by signalfd).
                Check(Libc.PosixSpawnAttrSetFlags(attributes, Spawn.POSIX_SPAWN_SETPGROUP | Spawn.POSIX_SPAWN_SETSIGDEF | Spawn.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
                Check(Libc.PosixSpawnAttrSetPGroup(attributes, 0), "posix_spawnattr_setpgroup");
                LinuxError.Check(Libc.SigEmptySet(signals), "sigemptyset");
                Check(Libc.PosixSpawnAttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
                LinuxError.Check(Libc.SigFillSet(signals), "sigfillset");
                Libc.SigDelSet(signals, Proc.SIGKILL);
                Libc.SigDelSet(signals, Proc.SIGSTOP);
                Check(Libc.PosixSpawnAttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");

                // stdin, stdout and stderr on /dev/null (keepalived's set_std_fd), nothing else inherited.
                Check(Libc.PosixSpawnFileActionsAddOpen(actions, 0, strings.DevNull, FileConst.O_RDWR, 0), "posix_spawn_file_actions_addopen");
                Check(Libc.PosixSpawnFileActionsAddDup2(actions, 0, 1), "posix_spawn_file_actions_adddup2");
                Check(Libc.PosixSpawnFileActionsAddDup2(actions, 0, 2), "posix_spawn_file_actions_adddup2");
                AddCloseFrom(actions);

                int error = Libc.PosixSpawn(&pid, strings.Path, actions, attributes, strings.Argv, strings.Envp);
                if (error != 0)
                    return error;
            }
            finally
            {
                Libc.PosixSpawnFileActionsDestroy(actions);
                Libc.PosixSpawnAttrDestroy(attributes);
            }
        }
        finally
        {
            NativeMemory.Free(signals);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
        }

        // The child cannot be reaped by anyone but us before this (it is not waited for), so
        // the pid still names it.
        long fd = Libc.SysCall(Proc.SYS_pidfd_open, pid, 0);
        if (fd < 0)
        {
            int errno = LinuxError.Last;
            Libc.Kill(-pid, Proc.SIGKILL);
            Libc.WaitPid(pid, null, 0);
            LinuxError.Throw(errno == Proc.ENOSYS ? "pidfd_open (Linux 5.3 or later is needed)" : "pidfd_open", errno);
        }
        child = new ChildProcess(pid, new SafeFileDescriptor((int)fd));
        return 0;
    }

    /// <summary>
    /// Waits until the child has exited or <paramref name="timeout"/> passes
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no limit); true when it has exited. Does not reap.
    /// </summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        bool infinite = timeout == Timeout.InfiniteTimeSpan;
        long deadline = infinite ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
        while (true)
        {
            lock (_lock)
            {
                if (_reaped) return true;
            }
            int remaining = infinite ? -1 : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
            bool added = false;
            try
            {
                _pidFd.DangerousAddRef(ref added);
                var poll = new PollFd { Fd = _pidFd.Value, Events = Proc.POLLIN };
                int n = Libc.Poll(&poll, 1, remaining);
                if (n > 0) return true;
                if (n < 0 && LinuxError.Last != Errno.EINTR) LinuxError.Throw("poll(pidfd)");
            }
            finally
            {
                if (added) _pidFd.DangerousRelease();
            }
            if (remaining == 0) return false;
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the child's whole process group; false once it is reaped or the group is gone.</summary>
    public bool SignalGroup(int signal)
    {
        // Under the lock: once reaped, the group id may be given to an unrelated process.
        lock (_lock)
        {
            return !_reaped && Libc.Kill(-Id, signal) == 0;
        }
    }

    /// <summary>Collects the exit status, waiting for the child to exit first if it has not.</summary>
    public ChildExit Reap()
    {
        // Wait outside the lock, so SignalGroup from another thread can still end the child.
        WaitForExit(Timeout.InfiniteTimeSpan);
        lock (_lock)
        {
            if (_reaped) return _exit;
            int status;
            int result;
            do result = Libc.WaitPid(Id, &status, 0);
            while (result < 0 && LinuxError.Last == Errno.EINTR);
            // ECHILD: SIGCHLD was ignored when we started, and the kernel reaped it already.
            _exit = result < 0 ? ChildExit.Lost
                : (status & 0x7f) == 0 ? new ChildExit((status >> 8) & 0xff, 0)
                : new ChildExit(-1, status & 0x7f);
            _reaped = true;
            return _exit;
        }
    }

    /// <summary>Kills the process group if the child is still running, reaps it and releases the pidfd.</summary>
    public void Dispose()
    {
        SignalGroup(Proc.SIGKILL);
        Reap();
        _pidFd.Dispose();
    }

    private static void AddCloseFrom(void* actions)
    {
        if (Volatile.Read(ref s_closeFromMissing)) return;
        try
        {
            Check(Libc.PosixSpawnFileActionsAddCloseFrom(actions, 3), "posix_spawn_file_actions_addclosefrom_np");
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.34: descriptors opened with O_CLOEXEC (all of ours) still close on exec.
            Volatile.Write(ref s_closeFromMissing, true);
        }
    }

    private static void Check(int error, string operation)
    {
        if (error != 0) LinuxError.Throw(operation, error);
    }

    /// <summary>NUL-terminated UTF-8 copies of the path, argv and envp in one native block.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly byte* _block;

        public NativeStrings(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment)
        {
            int pointers = arguments.Count + 1 + environment.Count + 1;
            int bytes = Size(path) + Size("/dev/null");
            foreach (string s in arguments) bytes += Size(s);
            foreach (string s in environment) bytes += Size(s);
            _block = (byte*)NativeMemory.AllocZeroed((nuint)(pointers * sizeof(byte*) + bytes));
            byte** table = (byte**)_block;
            byte* next = _block + pointers * sizeof(byte*);
            Path = Put(path, ref next);
            DevNull = Put("/dev/null", ref next);
            Argv = table;
            for (int i = 0; i < arguments.Count; i++) table[i] = Put(arguments[i], ref next);
            table[arguments.Count] = null;
            Envp = table + arguments.Count + 1;
            for (int i = 0; i < environment.Count; i++) Envp[i] = Put(environment[i], ref next);
            Envp[environment.Count] = null;
        }

        public byte* Path { get; }
        public byte* DevNull { get; }
        public byte** Argv { get; }
        public byte** Envp { get; }

        public void Dispose() => NativeMemory.Free(_block);

        private static int Size(string s)
        {
            if (s.Contains('\0')) throw new ArgumentException($"'{s}' contains a NUL character", nameof(s));
            return Encoding.UTF8.GetByteCount(s) + 1;
        }

        private static byte* Put(string s, ref byte* next)
        {
            byte* start = next;
            int n = Encoding.UTF8.GetBytes(s, new Span<byte>(next, Encoding.UTF8.GetByteCount(s)));
            next[n] = 0;
            next += n + 1;
            return start;
        }
    }
}
