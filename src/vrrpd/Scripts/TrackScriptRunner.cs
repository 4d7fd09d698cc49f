using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vrrp.Linux;
using Vrrp.Keepalived;

namespace Vrrpd.Scripts;

/// <summary>
/// Runs every vrrp_script of a configuration that an instance or sync group tracks, each on its
/// own thread: the first run at <see cref="Start"/>, then every <c>interval</c> from the start of
/// the previous run (a run still going at that time makes the next one wait for the following
/// tick: runs of one script never overlap). Each run is checked first (keepalived's script
/// security rules), runs as its user with the daemon's environment and is killed past its
/// <c>timeout</c> (SIGTERM to its process group, SIGKILL 2 s later); exit status 0 is a success,
/// anything else (a timeout, a signal, a script that cannot be executed) a failure. Successes and
/// failures go through keepalived's rise/fall counter (<see cref="RiseFallCounter"/>); a change
/// of state is reported through the callback.
/// <para>
/// Threads: the callback <c>stateChanged(name, up)</c> is called on the script's own thread,
/// never concurrently for one script, and never after <see cref="Dispose"/> has returned; it
/// must not block (post the change to the event loop and return). <see cref="State"/> may be
/// called from any thread. The first result after <see cref="Start"/> always calls it (it
/// leaves <see cref="TrackScriptState.Init"/>); afterwards only real changes do.
/// </para>
/// <para>
/// Reload: build the runner for the new configuration with <c>previous</c> set to the running
/// one, then dispose the old one and start the new one. Every script whose name is in both
/// keeps its state (keepalived's clear_diff_script, also when its command or rise/fall changed),
/// so an unchanged configuration causes no change of state; it runs again at once.
/// </para>
/// </summary>
internal sealed class TrackScriptRunner : IDisposable
{
    private readonly ILogger _logger;
    private readonly Action<string, bool> _stateChanged;
    private readonly ScriptOptions _options;
    private readonly ScriptExecutor _executor;
    private readonly bool _enableScriptSecurity;
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _stop = new();
    private bool _started;
    private bool _disposed;

    /// <summary>
    /// Prepares the scripts of <paramref name="config"/> that some instance or sync group tracks
    /// (keepalived runs no other): resolves their users, checks them and logs what keepalived logs
    /// at load (a refused script is <see cref="TrackScriptState.Disabled"/>). Nothing runs before
    /// <see cref="Start"/>. With <paramref name="previous"/>, scripts of the same name keep its state.
    /// </summary>
    public TrackScriptRunner(KeepalivedConfig config, ILogger logger, Action<string, bool> stateChanged, TrackScriptRunner? previous = null, ScriptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _logger = logger;
        _stateChanged = stateChanged;
        _options = options ?? ScriptOptions.Default;
        _executor = new ScriptExecutor(_options);
        _enableScriptSecurity = config.Global.EnableScriptSecurity;

        var tracked = new HashSet<string>(StringComparer.Ordinal);
        foreach (VrrpInstanceConfig instance in config.Instances)
            foreach (TrackedScriptConfig t in instance.TrackScripts) tracked.Add(t.Script);
        foreach (SyncGroupConfig group in config.SyncGroups)
            foreach (TrackedScriptConfig t in group.TrackScripts) tracked.Add(t.Script);

        bool insecure = false;
        foreach (VrrpScriptConfig script in config.Scripts)
        {
            if (!tracked.Contains(script.Name)) continue;
            var slot = new Slot(script, new RiseFallCounter(script.Rise, script.Fall, script.InitFail));
            _slots[script.Name] = slot;

            if (!ScriptAccount.TryResolve(script.Command, config.Global, out slot.Account, out string? accountError))
            {
                Disable(slot, accountError!);
                continue;
            }
            ScriptCheck check = ScriptCheck.Check(script.Command.Arguments[0], slot.Account, _enableScriptSecurity);
            if (check.Problem == ScriptProblem.Refused)
            {
                Disable(slot, $"refusing to run it as {slot.Account}: {check.Reason}");
                continue;
            }
            foreach (string warning in check.Warnings)
            {
                insecure |= warning.StartsWith("unsafe", StringComparison.Ordinal);
                ScriptLog.ScriptWarning(_logger, "vrrp_script", script.Name, warning);
            }
            slot.LastWarnings = string.Join('\n', check.Warnings);

            if (previous?.Carried(script) is { } carried)
            {
                slot.Counter = carried.Counter;
                slot.LastStatus = carried.LastStatus;
                if (carried.Counter.State != TrackScriptState.Init)
                    ScriptLog.TrackCarried(_logger, script.Name, carried.Counter.State == TrackScriptState.Up ? "successful" : "unsuccessful");
            }
        }

        if (!config.Global.EnableScriptSecurity && UsesScripts(config))
            ScriptLog.SecurityViolation(_logger, insecure ? " There are insecure scripts." : "");
    }

    /// <summary>The names of the scripts this runner handles (tracked ones, disabled or not).</summary>
    public IReadOnlyCollection<string> Names => _slots.Keys;

    /// <summary>The current state of a tracked script; throws <see cref="KeyNotFoundException"/> for a name no instance or group tracks.</summary>
    public TrackScriptState State(string name)
    {
        Slot slot = _slots[name];
        lock (_lock)
        {
            return slot.Disabled ? TrackScriptState.Disabled : slot.Counter.State;
        }
    }

    /// <summary>Starts every script that is not disabled; each runs at once, then on its interval.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) return;
            _started = true;
        }
        foreach (Slot slot in _slots.Values)
        {
            if (slot.Disabled) continue;
            var thread = new Thread(() => Loop(slot)) { IsBackground = true, Name = $"vrrp_script {slot.Config.Name}" };
            thread.Start();
        }
    }

    /// <summary>
    /// Stops running scripts without waiting: no callback comes after this returns, running
    /// scripts get SIGTERM to their process groups (SIGKILL after the grace period), their
    /// threads reap them and end. The states stay readable (for a runner built with this as previous).
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _stop.Set();
        _executor.Close();
    }

    private (RiseFallCounter Counter, int? LastStatus)? Carried(VrrpScriptConfig next)
    {
        if (!_slots.TryGetValue(next.Name, out Slot? slot)) return null;
        lock (_lock)
        {
            return slot.Disabled ? null : (slot.Counter.Carry(next.Rise, next.Fall, next.InitFail), slot.LastStatus);
        }
    }

    private void Disable(Slot slot, string reason)
    {
        slot.Disabled = true;
        ScriptLog.TrackDisabled(_logger, slot.Config.Name, reason);
    }

    private void Loop(Slot slot)
    {
        VrrpScriptConfig script = slot.Config;
        long next = Stopwatch.GetTimestamp();
        while (true)
        {
            TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero ? _stop.Wait(wait) : _stop.IsSet) return;

            long started = Stopwatch.GetTimestamp();
            (bool Success, string Reason)? result;
            try
            {
                result = RunOnce(slot);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever happens to one run, the script keeps its schedule and the daemon runs on.
                result = Problem(slot, e.Message);
            }
            if (result is not (bool success, string reason)) return;
            Record(slot, success, reason);

            // Keep the interval grid from the start of the run; ticks that passed while it ran are skipped.
            long interval = Math.Max(1, (long)(script.Interval.TotalSeconds * Stopwatch.Frequency));
            long elapsed = Stopwatch.GetTimestamp() - started;
            long ticks = Math.Max(1, elapsed / interval + 1);
            if (ticks > 1) ScriptLog.SkippingRun(_logger, script.Name);
            next = started + ticks * interval;
        }
    }

    /// <summary>Checks and runs the script once; null when the runner was stopped meanwhile.</summary>
    private (bool, string)? RunOnce(Slot slot)
    {
        VrrpScriptConfig script = slot.Config;
        ScriptCheck check = ScriptCheck.Check(script.Command.Arguments[0], slot.Account, _enableScriptSecurity);
        string warnings = string.Join('\n', check.Warnings);
        if (warnings.Length > 0 && warnings != slot.LastWarnings)
        {
            foreach (string warning in check.Warnings)
                ScriptLog.ScriptWarning(_logger, "vrrp_script", script.Name, warning);
        }
        slot.LastWarnings = warnings;
        if (!check.CanRun)
            return Problem(slot, check.Problem == ScriptProblem.Refused ? $"refusing to run it as {slot.Account}: {check.Reason}" : check.Reason!);

        ScriptOutcome outcome = _executor.Run(check, script.Command.Arguments, slot.Account, script.Timeout);
        switch (outcome.Kind)
        {
            case ScriptOutcomeKind.Stopped:
                return null;
            case ScriptOutcomeKind.NotStarted:
                return Problem(slot, $"cannot execute {check.ExecutablePath}: {Errno.Describe(outcome.Errno)}");
            case ScriptOutcomeKind.TimedOut:
                slot.LastProblem = null;
                return (false, "timed_out");
            default:
                slot.LastProblem = null;
                if (outcome.Exit.ExitCode >= 0 && outcome.Exit.ExitCode != slot.LastStatus)
                    ScriptLog.NowReturning(_logger, script.Name, outcome.Exit.ExitCode);
                slot.LastStatus = outcome.Exit.ExitCode >= 0 ? outcome.Exit.ExitCode : slot.LastStatus;
                return (outcome.Succeeded, outcome.Exit.ToString());
        }
    }

    private (bool, string) Problem(Slot slot, string reason)
    {
        if (reason != slot.LastProblem)
            ScriptLog.TrackCannotRun(_logger, slot.Config.Name, reason);
        slot.LastProblem = reason;
        return (false, "cannot run");
    }

    private void Record(Slot slot, bool success, string reason)
    {
        lock (_lock)
        {
            if (_disposed) return;
            if (slot.Counter.Record(success) is not bool up) return;
            if (up)
                ScriptLog.TrackSucceeded(_logger, slot.Config.Name);
            else if (reason == "timed_out")
                ScriptLog.TrackTimedOut(_logger, slot.Config.Name);
            else
                ScriptLog.TrackFailed(_logger, slot.Config.Name, reason);
            // Under the lock, so Dispose cannot return while a callback is in flight.
            try
            {
                _stateChanged(slot.Config.Name, up);
            }
            catch (Exception e)
            {
                ScriptLog.CallbackFailed(_logger, e, slot.Config.Name);
            }
        }
    }

    private static bool UsesScripts(KeepalivedConfig config)
    {
        static bool Any(NotifyScripts n) => !n.IsEmpty;
        return !config.Scripts.IsEmpty || config.Instances.Any(i => Any(i.Notify)) || config.SyncGroups.Any(g => Any(g.Notify))
            || config.Global.NotifyFifoScript is not null || config.Global.VrrpNotifyFifoScript is not null;
    }

    private sealed class Slot(VrrpScriptConfig config, RiseFallCounter counter)
    {
        public VrrpScriptConfig Config { get; } = config;
        public RiseFallCounter Counter = counter;
        public ScriptAccount Account;
        public bool Disabled;
        public int? LastStatus;
        public string? LastProblem;
        public string LastWarnings = "";
    }
}
