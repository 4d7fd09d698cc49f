using System.Collections;
using Vrrp.Linux;

namespace Vrrpd.Scripts;

/// <summary>How one run of a script ended.</summary>
internal enum ScriptOutcomeKind
{
    /// <summary>It exited (or was killed by a signal we did not send) within its time.</summary>
    Exited,
    /// <summary>It ran past its timeout and its process group was killed.</summary>
    TimedOut,
    /// <summary>It could not be started (see <see cref="ScriptOutcome.Errno"/>).</summary>
    NotStarted,
    /// <summary>Its owner was closed while it ran; the result means nothing.</summary>
    Stopped,
}

/// <summary>The result of <see cref="ScriptExecutor.Run"/>.</summary>
internal readonly record struct ScriptOutcome(ScriptOutcomeKind Kind, ChildExit Exit, int Errno)
{
    /// <summary>Exit status 0 within the timeout: the only success, as in keepalived.</summary>
    public bool Succeeded => Kind == ScriptOutcomeKind.Exited && Exit.Succeeded;
}

/// <summary>
/// Starts script processes for one owner (the track script runner or the notifier), waits for
/// them with a timeout (then SIGTERM to the process group, SIGKILL after the grace period) and
/// can stop every one still running. Safe to use from several threads.
/// </summary>
internal sealed class ScriptExecutor(ScriptOptions options)
{
    /// <summary>
    /// True when setpriv takes --pdeathsig (util-linux 2.33, 2018); an older one still changes
    /// user, and scripts then outlive a daemon killed by SIGKILL. Probed once, by running it.
    /// </summary>
    internal static bool SetprivHasPdeathsig => SetprivPdeathsig.Value;

    private static readonly Lazy<bool> SetprivPdeathsig = new(() =>
    {
        if (ScriptAccount.Setpriv is not string setpriv) return false;
        try
        {
            if (ChildProcess.TryStart(setpriv, [setpriv, "--pdeathsig=TERM", "--", "/bin/true"], [], out ChildProcess? probe) != 0 || probe is null)
                return false;
            using (probe)
                return probe.Reap().Succeeded;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    private readonly Lock _lock = new();
    private readonly HashSet<ChildProcess> _running = [];
    private bool _closed;

    /// <summary>True once <see cref="Close"/> was called: nothing more is started.</summary>
    public bool IsClosed
    {
        get { lock (_lock) return _closed; }
    }

    /// <summary>
    /// Runs a checked script with <paramref name="arguments"/> (the configured argv, program
    /// first; argv[0] is replaced by the checked path) as <paramref name="account"/>, and waits
    /// for it. Past <paramref name="timeout"/> its process group gets SIGTERM, and SIGKILL after
    /// the grace period; a timed-out run also gets its group SIGKILLed once the script is gone,
    /// so nothing it started lingers (keepalived does the same).
    /// </summary>
    public ScriptOutcome Run(ScriptCheck check, IReadOnlyList<string> arguments, ScriptAccount account, TimeSpan timeout)
    {
        int errno = TryStart(check, arguments, account, out ChildProcess? child);
        if (child is null)
            return errno == 0 ? new ScriptOutcome(ScriptOutcomeKind.Stopped, default, 0) : new ScriptOutcome(ScriptOutcomeKind.NotStarted, default, errno);
        try
        {
            bool timedOut = false;
            if (!child.WaitForExit(timeout))
            {
                timedOut = true;
                child.SignalGroup(ProcessGroup.SIGTERM);
                if (!child.WaitForExit(options.TermGrace))
                    child.SignalGroup(ProcessGroup.SIGKILL);
            }
            if (timedOut)
                child.SignalGroup(ProcessGroup.SIGKILL);
            ChildExit exit = child.Reap();
            if (IsClosed)
                return new ScriptOutcome(ScriptOutcomeKind.Stopped, exit, 0);
            return new ScriptOutcome(timedOut ? ScriptOutcomeKind.TimedOut : ScriptOutcomeKind.Exited, exit, 0);
        }
        finally
        {
            Forget(child);
        }
    }

    /// <summary>
    /// Starts a checked script and registers it (so <see cref="Close"/> stops it); the caller
    /// waits for it and then calls <see cref="Forget"/>. Returns 0 with the child, the errno of a
    /// failed start, or 0 and null when the executor is closed.
    /// </summary>
    public int TryStart(ScriptCheck check, IReadOnlyList<string> arguments, ScriptAccount account, out ChildProcess? child)
    {
        child = null;
        if (!check.CanRun || check.ExecutablePath is null)
            throw new ArgumentException("the script did not pass its check", nameof(check));
        var argv = new List<string>(arguments.Count + 8);
        string file = check.NeedsShell ? "/bin/sh" : check.ExecutablePath;
        // posix_spawn can neither change user nor set a parent-death signal; setpriv does both,
        // as keepalived's child does: setgid, setgroups to that one group, setuid, and SIGTERM
        // when the thread that started it is gone, so no script outlives a daemon killed by
        // SIGKILL. It then execs the script. Every caller starts a script from the thread that
        // waits for it, so that thread only ends with the script or the daemon.
        if (ScriptAccount.Setpriv is string setpriv && (!account.IsOurs || SetprivPdeathsig.Value))
        {
            file = setpriv;
            argv.Add(setpriv);
            if (!account.IsOurs)
                argv.AddRange([$"--reuid={account.Uid}", $"--regid={account.Gid}", $"--groups={account.Gid}"]);
            if (SetprivPdeathsig.Value)
                argv.Add("--pdeathsig=TERM");
            argv.Add("--");
        }
        else if (!account.IsOurs)
        {
            throw new ArgumentException("the check did not find setpriv", nameof(check));
        }
        if (check.NeedsShell) argv.Add("/bin/sh");
        argv.Add(check.ExecutablePath);
        for (int i = 1; i < arguments.Count; i++) argv.Add(arguments[i]);

        lock (_lock)
        {
            if (_closed) return 0;
            int errno;
            try
            {
                errno = ChildProcess.TryStart(file, argv, EnvironmentBlock(), out child);
            }
            catch (ArgumentException)
            {
                return Errno.EINVAL;   // an argument with a NUL character (a "\0" escape)
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return e.NativeErrorCode;
            }
            if (child is not null) _running.Add(child);
            return errno;
        }
    }

    /// <summary>Unregisters and disposes a child from <see cref="TryStart"/> (killing its group if it still runs).</summary>
    public void Forget(ChildProcess child)
    {
        lock (_lock)
        {
            _running.Remove(child);
        }
        child.Dispose();
    }

    /// <summary>
    /// Stops starting scripts, sends SIGTERM to every running script's process group and, after
    /// the grace period, SIGKILL to those still there. Returns at once; the threads waiting for
    /// those scripts reap them.
    /// </summary>
    public void Close()
    {
        ChildProcess[] running;
        lock (_lock)
        {
            _closed = true;
            running = [.. _running];
        }
        if (running.Length == 0) return;
        foreach (ChildProcess child in running)
            child.SignalGroup(ProcessGroup.SIGTERM);
        _ = Task.Delay(options.TermGrace).ContinueWith(_ =>
        {
            foreach (ChildProcess child in running)
                child.SignalGroup(ProcessGroup.SIGKILL);
        }, TaskScheduler.Default);
    }

    // Scripts get the daemon's environment, as keepalived passes its own environ.
    private static List<string> EnvironmentBlock()
    {
        var list = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            list.Add($"{entry.Key}={entry.Value}");
        return list;
    }
}
