using System.ComponentModel;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>What a signal does to the process now.</summary>
public enum SignalDisposition
{
    /// <summary>SIG_DFL: the kernel's default action.</summary>
    Default,
    /// <summary>SIG_IGN.</summary>
    Ignore,
    /// <summary>A handler is installed (the runtime's, libc's, or one registered through <see cref="PosixSignalRegistration"/>).</summary>
    Handler,
}

/// <summary>
/// Signal dispositions of the whole process (rt_sigaction(2)), for a daemon that must not be
/// ended by a signal it does not handle: keepalived sets every signal it has no use for to
/// SIG_IGN, except the ones a real crash raises. <see cref="IgnoreUnhandled"/> does the same for
/// the signals still at their default action, so that handlers installed by the .NET runtime
/// (SIGRTMIN for thread suspension, SIGSEGV, SIGFPE, SIGCONT), by libc (signal 33) or through
/// <see cref="PosixSignalRegistration"/> stay. Ignored signals are not inherited by scripts:
/// <see cref="ChildProcess"/> resets every signal to its default.
/// </summary>
public static class SignalDispositions
{
    /// <summary>SIGRTMIN as libc numbers it (34 with glibc, which keeps 32 and 33).</summary>
    public static int RealtimeMin => Libc.CurrentSigRtMin();

    /// <summary>SIGRTMAX as libc numbers it (64).</summary>
    public static int RealtimeMax => Libc.CurrentSigRtMax();

    /// <summary>The highest signal number the kernel delivers.</summary>
    public const int Max = Sig.KernelMax;

    /// <summary>
    /// True for the signals whose default action ends the process (terminate or dump core) or
    /// stops it (SIGTSTP, SIGTTIN, SIGTTOU); false for SIGCHLD, SIGCONT, SIGURG, SIGWINCH, whose
    /// default is to do nothing, and for SIGKILL and SIGSTOP, which cannot be caught.
    /// </summary>
    public static bool EndsOrStopsByDefault(int signal) => signal is >= 1 and <= Sig.KernelMax
        && signal is not (Sig.SIGCHLD or Sig.SIGCONT or Sig.SIGURG or Sig.SIGWINCH or Sig.SIGKILL or Sig.SIGSTOP);

    /// <summary>The signals a real fault raises (SIGILL, SIGFPE, SIGSEGV, SIGBUS): the runtime's, never ignored.</summary>
    public static bool IsFault(int signal) => signal is Sig.SIGILL or Sig.SIGFPE or Sig.SIGSEGV or Sig.SIGBUS;

    /// <summary>The disposition of <paramref name="signal"/> now.</summary>
    /// <exception cref="Win32Exception">rt_sigaction failed (an invalid signal number).</exception>
    public static unsafe SignalDisposition Get(int signal)
    {
        KernelSigAction old;
        if (Libc.SysCall4(Sig.SYS_rt_sigaction, signal, 0, (long)&old, sizeof(ulong)) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"rt_sigaction({signal})");
        return old.Handler switch
        {
            Sig.SIG_DFL => SignalDisposition.Default,
            Sig.SIG_IGN => SignalDisposition.Ignore,
            _ => SignalDisposition.Handler,
        };
    }

    /// <summary>Sets <paramref name="signal"/> to SIG_IGN, whatever it was.</summary>
    /// <exception cref="Win32Exception">rt_sigaction failed (SIGKILL, SIGSTOP or an invalid number).</exception>
    public static unsafe void Ignore(int signal)
    {
        var ignore = new KernelSigAction { Handler = Sig.SIG_IGN };
        if (Libc.SysCall4(Sig.SYS_rt_sigaction, signal, (long)&ignore, 0, sizeof(ulong)) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"rt_sigaction({signal}, SIG_IGN)");
    }

    /// <summary>
    /// Sets to SIG_IGN every signal that would end or stop the process
    /// (<see cref="EndsOrStopsByDefault"/>) and is still at its default action, except the fault
    /// signals (<see cref="IsFault"/>) and <paramref name="keep"/>. Register the handled signals
    /// first: the runtime leaves a signal that is already ignored ignored. Returns the signals
    /// it ignored.
    /// </summary>
    public static IReadOnlyList<int> IgnoreUnhandled(IReadOnlyCollection<int> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var ignored = new List<int>();
        for (int signal = 1; signal <= Sig.KernelMax; signal++)
        {
            if (!EndsOrStopsByDefault(signal) || IsFault(signal) || keep.Contains(signal) || Get(signal) != SignalDisposition.Default)
                continue;
            Ignore(signal);
            ignored.Add(signal);
        }
        return ignored;
    }
}

/// <summary>Leaving the process at once.</summary>
public static class ProcessExit
{
    /// <summary>
    /// _exit(2): ends every thread now with <paramref name="status"/>, running nothing else (no
    /// finalizers, no atexit handlers). For a last-chance handler that has already released what
    /// matters and must not race the main thread's own exit.
    /// </summary>
    public static void Now(int status) => Libc.Exit(status);
}
