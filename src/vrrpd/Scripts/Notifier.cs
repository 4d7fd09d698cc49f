using System.ComponentModel;
using System.Text;
using Microsoft.Extensions.Logging;
using Vrrp.Linux;
using Vrrp.Keepalived;

namespace Vrrpd.Scripts;

/// <summary>The states keepalived passes to notify scripts and writes to notify FIFOs.</summary>
internal enum NotifyState
{
    /// <summary>MASTER.</summary>
    Master,
    /// <summary>BACKUP.</summary>
    Backup,
    /// <summary>FAULT (also what keepalived sends for an instance removed by a reload).</summary>
    Fault,
    /// <summary>STOP: the daemon is shutting down.</summary>
    Stop,
}

/// <summary>
/// Runs notify scripts and writes notify FIFO lines the way keepalived does (vrrp_notify.c), for
/// an event loop that must never wait:
/// <list type="bullet">
/// <item><see cref="InstanceChanged"/> / <see cref="GroupChanged"/> run the state's own script
/// (notify_master, notify_backup, notify_fault, notify_stop) with its own arguments, then
/// <c>notify</c> with four more: INSTANCE or GROUP, the name, MASTER/BACKUP/FAULT/STOP and the
/// priority (0 for a group). Each script runs as its user (keepalived's rules, see
/// <see cref="ScriptAccount"/>), is checked first (<see cref="ScriptCheck"/>), and is killed
/// past <see cref="ScriptOptions.NotifyTimeout"/> (SIGTERM to its process group, SIGKILL after
/// the grace period).</item>
/// <item>The notifications of one instance (or group) run one after the other, in the order
/// of the calls; different instances run in parallel. The calls only enqueue.</item>
/// <item>notify_fifo and vrrp_notify_fifo get <c>INSTANCE "mape" MASTER 245</c> /
/// <c>GROUP "g" BACKUP 0</c> lines, written at the call (as keepalived writes them when it
/// starts the scripts) with a non-blocking write; a FIFO is created when missing and its
/// notify_fifo_script is started with the FIFO's path as last argument and no timeout.</item>
/// </list>
/// Every public method is meant for the event loop's thread, but all are thread-safe. At
/// shutdown: enqueue the STOP notifications, <see cref="Drain"/>, then <see cref="Dispose"/>.
/// </summary>
internal sealed class Notifier : IDisposable
{
    private readonly ILogger _logger;
    private readonly ScriptOptions _options;
    private readonly ScriptExecutor _executor;
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyQueue> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private GlobalDefs _global;
    private FifoChannel? _notifyFifo;
    private FifoChannel? _vrrpNotifyFifo;
    private int _pending;
    private bool _disposed;

    /// <summary>Opens the notify FIFOs of <paramref name="global"/> and starts their scripts; problems are logged, not thrown.</summary>
    public Notifier(GlobalDefs global, ILogger logger, ScriptOptions? options = null)
    {
        _global = global;
        _logger = logger;
        _options = options ?? ScriptOptions.Default;
        _executor = new ScriptExecutor(_options);
        _notifyFifo = OpenFifo(global.NotifyFifo, global.NotifyFifoScript, global);
        _vrrpNotifyFifo = OpenFifo(global.VrrpNotifyFifo, global.VrrpNotifyFifoScript, global);
    }

    /// <summary>Enqueues the notifications of an instance that entered <paramref name="state"/> with effective priority <paramref name="priority"/>, and writes the FIFO line.</summary>
    public void InstanceChanged(VrrpInstanceConfig instance, NotifyState state, byte priority) =>
        Notify("INSTANCE", instance.Name, state, priority, instance.Notify);

    /// <summary>Enqueues the notifications of a sync group that entered <paramref name="state"/> (priority 0, as keepalived), and writes the FIFO line.</summary>
    public void GroupChanged(SyncGroupConfig group, NotifyState state) =>
        Notify("GROUP", group.Name, state, 0, group.Notify);

    /// <summary>
    /// notify_priority_changes: writes <c>INSTANCE "name" MASTER_PRIORITY 245</c> (or
    /// BACKUP_PRIORITY) to the FIFOs when the instance has it set; no script runs.
    /// </summary>
    public void InstancePriorityChanged(VrrpInstanceConfig instance, bool master, byte priority)
    {
        if (instance.NotifyPriorityChanges)
            WriteFifos("INSTANCE", instance.Name, master ? "MASTER_PRIORITY" : "BACKUP_PRIORITY", priority);
    }

    /// <summary>A master received an advertisement of lower priority: <c>INSTANCE "name" MASTER_RX_LOWER_PRI 245</c> to the FIFOs.</summary>
    public void MasterReceivedLowerPriority(VrrpInstanceConfig instance, byte priority) =>
        WriteFifos("INSTANCE", instance.Name, "MASTER_RX_LOWER_PRI", priority);

    /// <summary>fifo_write_vrrp_states_on_reload: the FIFO line of an instance's current state, without running scripts.</summary>
    public void WriteInstanceState(VrrpInstanceConfig instance, NotifyState state, byte priority) =>
        WriteFifos("INSTANCE", instance.Name, StateName(state), priority);

    /// <summary>fifo_write_vrrp_states_on_reload: the FIFO line of a group's current state, without running scripts.</summary>
    public void WriteGroupState(SyncGroupConfig group, NotifyState state) =>
        WriteFifos("GROUP", group.Name, StateName(state), 0);

    /// <summary>
    /// Takes the global settings of a reloaded configuration (script_user, enable_script_security,
    /// FIFOs). A FIFO whose path, owner and script are unchanged stays open with its script
    /// running; a changed one is closed (its script stopped in the background) and the new one
    /// opened. Queued notifications keep running with the scripts they were queued with.
    /// </summary>
    public void Reload(GlobalDefs global)
    {
        FifoChannel? oldNotify, oldVrrp;
        lock (_gate)
        {
            if (_disposed) return;
            _global = global;
            _reported.Clear();
            oldNotify = _notifyFifo;
            oldVrrp = _vrrpNotifyFifo;
        }
        FifoChannel? notify = Reopen(oldNotify, global.NotifyFifo, global.NotifyFifoScript, global);
        FifoChannel? vrrp = Reopen(oldVrrp, global.VrrpNotifyFifo, global.VrrpNotifyFifoScript, global);
        lock (_gate)
        {
            _notifyFifo = notify;
            _vrrpNotifyFifo = vrrp;
        }
    }

    /// <summary>Waits until every queued notification has run (true), or <paramref name="timeout"/> passed (false).</summary>
    public bool Drain(TimeSpan timeout)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_pending > 0)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(left, int.MaxValue)));
            }
            return true;
        }
    }

    /// <summary>
    /// Drops what is still queued, closes the FIFOs (removing the ones it created; their scripts
    /// read to the end, then get SIGTERM if still there after the grace period, SIGKILL after
    /// another), and sends SIGTERM to running notify scripts (SIGKILL after the grace period, in
    /// the background). Blocks for at most twice the grace period (FIFO scripts).
    /// </summary>
    public void Dispose()
    {
        FifoChannel? notify, vrrp;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (KeyQueue queue in _queues.Values)
            {
                _pending -= queue.Items.Count;
                queue.Items.Clear();
            }
            Monitor.PulseAll(_gate);
            notify = _notifyFifo;
            vrrp = _vrrpNotifyFifo;
            _notifyFifo = _vrrpNotifyFifo = null;
        }
        var stopping = new List<Task> { Task.Run(() => notify?.Close(_options.TermGrace)), Task.Run(() => vrrp?.Close(_options.TermGrace)) };
        Task.WaitAll(stopping);
        _executor.Close();
    }

    private void Notify(string kind, string name, NotifyState state, int priority, NotifyScripts scripts)
    {
        WriteFifos(kind, name, StateName(state), priority);
        if (scripts.IsEmpty) return;
        string key = kind + " " + name;
        lock (_gate)
        {
            if (_disposed) return;
            if (!_queues.TryGetValue(key, out KeyQueue? queue))
                _queues[key] = queue = new KeyQueue();
            queue.Items.Enqueue(new Notification(kind, name, state, priority, scripts));
            _pending++;
            if (queue.Running) return;
            queue.Running = true;
        }
        new Thread(() => Work(key)) { IsBackground = true, Name = $"notify {key}" }.Start();
    }

    private void Work(string key)
    {
        while (true)
        {
            Notification item;
            lock (_gate)
            {
                KeyQueue queue = _queues[key];
                if (queue.Items.Count == 0)
                {
                    queue.Running = false;
                    return;
                }
                item = queue.Items.Dequeue();
            }
            try
            {
                Run(item);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ScriptLog.NotifyFailed(_logger, e, $"{item.Kind} {item.Name} {StateName(item.State)}");
            }
            finally
            {
                lock (_gate)
                {
                    _pending--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    // keepalived: the notify_<state> script first, then "notify" with the four arguments.
    private void Run(Notification item)
    {
        ScriptCommand? own = item.State switch
        {
            NotifyState.Master => item.Scripts.Master,
            NotifyState.Backup => item.Scripts.Backup,
            NotifyState.Fault => item.Scripts.Fault,
            _ => item.Scripts.Stop,
        };
        if (own is not null)
            RunScript(own, own.Arguments, item);
        if (item.Scripts.Any is ScriptCommand any)
        {
            var arguments = new List<string>(any.Arguments) { item.Kind, item.Name, StateName(item.State), item.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            RunScript(any, arguments, item);
        }
    }

    private void RunScript(ScriptCommand command, IReadOnlyList<string> arguments, Notification item)
    {
        GlobalDefs global;
        lock (_gate)
        {
            if (_disposed) return;
            global = _global;
        }
        if (!ScriptAccount.TryResolve(command, global, out ScriptAccount account, out string? error))
        {
            ReportOnce(command, error!);
            return;
        }
        ScriptCheck check = ScriptCheck.Check(command.Arguments[0], account, global.EnableScriptSecurity);
        foreach (string warning in check.Warnings)
        {
            if (FirstTime(command.CommandLine + "\n" + warning))
                ScriptLog.ScriptWarning(_logger, "notify script", command.CommandLine, warning);
        }
        if (!check.CanRun)
        {
            ReportOnce(command, check.Problem == ScriptProblem.Refused ? $"refusing to run it as {account}: {check.Reason}" : check.Reason!);
            return;
        }

        string @event = $"{item.Kind} {item.Name} {StateName(item.State)}";
        ScriptOutcome outcome = _executor.Run(check, arguments, account, _options.NotifyTimeout);
        switch (outcome.Kind)
        {
            case ScriptOutcomeKind.NotStarted:
                ReportOnce(command, $"cannot execute {check.ExecutablePath}: {Errno.Describe(outcome.Errno)}");
                break;
            case ScriptOutcomeKind.TimedOut:
                ScriptLog.NotifyTimedOut(_logger, command.CommandLine, @event, _options.NotifyTimeout.TotalSeconds);
                break;
            case ScriptOutcomeKind.Exited:
                ScriptLog.NotifyExited(_logger, command.CommandLine, @event, outcome.Exit.ToString());
                break;
        }
    }

    private void ReportOnce(ScriptCommand command, string reason)
    {
        if (FirstTime(command.CommandLine + "\n" + reason))
            ScriptLog.NotifyCannotRun(_logger, command.CommandLine, reason);
    }

    private bool FirstTime(string key)
    {
        lock (_gate)
        {
            return _reported.Add(key);
        }
    }

    private void WriteFifos(string kind, string name, string state, int priority)
    {
        FifoChannel? notify, vrrp;
        lock (_gate)
        {
            if (_disposed) return;
            notify = _notifyFifo;
            vrrp = _vrrpNotifyFifo;
        }
        if (notify is null && vrrp is null) return;
        // keepalived: "%s \"%s\" %s %d\n" (vrrp_notify.c notify_fifo).
        byte[] line = Encoding.UTF8.GetBytes($"{kind} \"{name}\" {state} {priority}\n");
        notify?.Write(line, _logger);
        vrrp?.Write(line, _logger);
    }

    private FifoChannel? Reopen(FifoChannel? old, NotifyFifoConfig? fifo, ScriptCommand? script, GlobalDefs global)
    {
        if (old is not null && old.Writer is not null && old.Fifo == fifo && old.Script == script)
            return old;
        if (old is not null)
            _ = Task.Run(() => old.Close(_options.TermGrace));
        return OpenFifo(fifo, script, global);
    }

    private FifoChannel? OpenFifo(NotifyFifoConfig? fifo, ScriptCommand? script, GlobalDefs global)
    {
        if (fifo is null) return null;
        var channel = new FifoChannel(fifo, script);
        uint? owner = null, group = null;
        if (fifo.User is not null)
        {
            if (!UserDatabase.TryGetUser(fifo.User, out uint uid, out uint gid))
            {
                ScriptLog.FifoOpenFailed(_logger, fifo.Path, $"user '{fifo.User}' does not exist");
                return channel;
            }
            (owner, group) = (uid, gid);
            if (fifo.Group is not null)
            {
                if (!UserDatabase.TryGetGroup(fifo.Group, out gid))
                {
                    ScriptLog.FifoOpenFailed(_logger, fifo.Path, $"group '{fifo.Group}' does not exist");
                    return channel;
                }
                group = gid;
            }
        }
        try
        {
            channel.Writer = FifoWriter.Open(fifo.Path, owner, group);
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            ScriptLog.FifoOpenFailed(_logger, fifo.Path, e.Message);
            return channel;
        }
        if (script is not null)
            StartFifoScript(channel, script, global);
        return channel;
    }

    // keepalived runs notify_fifo_script once, with the FIFO's path appended, and never times it out.
    private void StartFifoScript(FifoChannel channel, ScriptCommand script, GlobalDefs global)
    {
        if (!ScriptAccount.TryResolve(script, global, out ScriptAccount account, out string? error))
        {
            ReportOnce(script, error!);
            return;
        }
        ScriptCheck check = ScriptCheck.Check(script.Arguments[0], account, global.EnableScriptSecurity);
        foreach (string warning in check.Warnings)
            ScriptLog.ScriptWarning(_logger, "notify fifo script", script.CommandLine, warning);
        if (!check.CanRun)
        {
            ReportOnce(script, check.Problem == ScriptProblem.Refused ? $"refusing to run it as {account}: {check.Reason}" : check.Reason!);
            return;
        }
        var arguments = new List<string>(script.Arguments) { channel.Fifo.Path };
        // The watcher thread starts the script as well as reaping it: a script's parent-death
        // signal follows the thread that started it, and this one lives exactly as long as it.
        int errno = 0;
        ChildProcess? child = null;
        using var started = new ManualResetEventSlim();
        channel.Watcher = new Thread(() =>
        {
            errno = _executor.TryStart(check, arguments, account, out ChildProcess? running);
            child = running;
            started.Set();
            if (running is null) return;
            ChildExit exit = running.Reap();
            if (!channel.Closing)
                ScriptLog.FifoScriptTerminated(_logger, script.CommandLine, exit.ToString());
            _executor.Forget(running);
        })
        { IsBackground = true, Name = "notify fifo script" };
        channel.Watcher.Start();
        started.Wait();
        if (child is null)
        {
            if (errno != 0) ReportOnce(script, $"cannot execute {check.ExecutablePath}: {Errno.Describe(errno)}");
            return;
        }
        channel.ScriptProcess = child;
    }

    private static string StateName(NotifyState state) => state switch
    {
        NotifyState.Master => "MASTER",
        NotifyState.Backup => "BACKUP",
        NotifyState.Fault => "FAULT",
        _ => "STOP",
    };

    private sealed record Notification(string Kind, string Name, NotifyState State, int Priority, NotifyScripts Scripts);

    private sealed class KeyQueue
    {
        public Queue<Notification> Items { get; } = new();
        public bool Running;
    }

    /// <summary>One notify FIFO with its writer and its script.</summary>
    private sealed class FifoChannel(NotifyFifoConfig fifo, ScriptCommand? script)
    {
        private readonly Lock _lock = new();
        private bool _writeFailing;

        public NotifyFifoConfig Fifo { get; } = fifo;
        public ScriptCommand? Script { get; } = script;
        public FifoWriter? Writer;
        public ChildProcess? ScriptProcess;
        public Thread? Watcher;
        public volatile bool Closing;

        public void Write(byte[] line, ILogger logger)
        {
            lock (_lock)
            {
                if (Writer is null || Closing) return;
                int errno = Writer.TryWrite(line);
                if (errno != 0 && !_writeFailing)
                    ScriptLog.FifoWriteFailed(logger, Fifo.Path, Errno.Describe(errno));
                _writeFailing = errno != 0;
            }
        }

        /// <summary>Closes the FIFO (its reader sees the end), then stops the script: it gets <paramref name="grace"/> to finish, then SIGTERM, then SIGKILL.</summary>
        public void Close(TimeSpan grace)
        {
            lock (_lock)
            {
                Closing = true;
                Writer?.Dispose();
                Writer = null;
            }
            if (ScriptProcess is ChildProcess child && !child.WaitForExit(grace))
            {
                child.SignalGroup(ProcessGroup.SIGTERM);
                if (!child.WaitForExit(grace))
                    child.SignalGroup(ProcessGroup.SIGKILL);
            }
            Watcher?.Join(grace);
        }
    }
}
