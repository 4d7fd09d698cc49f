using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

// The libc calls behind signal dispositions. rt_sigaction goes through syscall(2) rather than
// sigaction(3): glibc refuses signals 32 and 33 (its own), and one path for all is simpler.
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long SysCall4(long number, long argument1, long argument2, long argument3, long argument4);

    [LibraryImport(Lib, EntryPoint = "__libc_current_sigrtmin")]
    internal static partial int CurrentSigRtMin();

    [LibraryImport(Lib, EntryPoint = "__libc_current_sigrtmax")]
    internal static partial int CurrentSigRtMax();

    [LibraryImport(Lib, EntryPoint = "_exit")]
    internal static partial void Exit(int status);
}

/// <summary>The kernel's struct sigaction (x86-64 and arm64 alike: handler, flags, restorer, 64-bit mask).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KernelSigAction
{
    public nint Handler;
    public ulong Flags;
    public nint Restorer;
    public ulong Mask;
}

/// <summary>Signal numbers and rt_sigaction constants (signal.h, asm/unistd.h).</summary>
internal static class Sig
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
        SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16,
        SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24,
        SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

    /// <summary>The kernel's highest signal (_NSIG).</summary>
    public const int KernelMax = 64;

    public const nint SIG_DFL = 0;
    public const nint SIG_IGN = 1;

    public static long SYS_rt_sigaction => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 13,
        Architecture.Arm64 => 134,
        _ => throw new PlatformNotSupportedException($"rt_sigaction on {RuntimeInformation.ProcessArchitecture}"),
    };
}
