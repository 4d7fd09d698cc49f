using Vrrp.Keepalived;
using Vrrp.Linux;

namespace Vrrpd.Trackers;

/// <summary>What the census reads about processes: <c>/proc</c> in the daemon, a table in tests.</summary>
internal interface IProcessTable
{
    IEnumerable<int> Pids();

    /// <summary>The name of a live process from its status (null when gone or a zombie).</summary>
    string? LiveName(int pid);

    /// <summary>The name of a process (comm), null when gone.</summary>
    string? Name(int pid);

    /// <summary>The command line, null when gone.</summary>
    string[]? CommandLine(int pid);
}

/// <summary><see cref="IProcessTable"/> over <see cref="ProcFs"/>.</summary>
internal sealed class ProcProcessTable : IProcessTable
{
    public static ProcProcessTable Instance { get; } = new();

    public IEnumerable<int> Pids() => ProcFs.Pids();
    public string? LiveName(int pid) => ProcFs.LiveName(pid);
    public string? Name(int pid) => ProcFs.Name(pid);
    public string[]? CommandLine(int pid) => ProcFs.CommandLine(pid);
}

/// <summary>A tracked process's quorum, gained or lost.</summary>
internal readonly record struct QuorumChange(string Name, bool Up);

/// <summary>
/// Which processes each <c>vrrp_track_process</c> counts, and whether it has its quorum, as
/// keepalived 2.2.7 keeps them: a scan of <c>/proc</c> at the start (and after lost events),
/// then process events: a fork of a counted process counts the child, an exec or a name change
/// compares the process again, an exit uncounts it. The quorum is quorum &lt;= count &lt;=
/// quorum_max; a change caused by a fork waits <c>fork_delay</c> and one caused by an exit
/// <c>terminate_delay</c> before it is reported, and is dropped if the count comes back
/// meanwhile. Unlike keepalived, an exec of a counted process into the same program does not
/// count it twice. Time is the caller's monotonic clock. Not thread-safe.
/// </summary>
internal sealed class ProcessCensus
{
    private enum Cause { Other, Fork, Exit }

    private readonly ProcessMatcher[] _matchers;
    private readonly IProcessTable _table;
    private readonly Dictionary<int, List<int>> _counted = [];   // pid -> trackers counting it
    private readonly int[] _count;
    private readonly bool[] _quorum;
    private readonly TimeSpan[] _due;                              // a pending report, or MaxValue

    public ProcessCensus(IReadOnlyList<TrackProcessConfig> trackers, IProcessTable table)
    {
        _matchers = [.. trackers.Select(t => new ProcessMatcher(t))];
        _table = table;
        _count = new int[_matchers.Length];
        _quorum = new bool[_matchers.Length];
        _due = new TimeSpan[_matchers.Length];
        _due.AsSpan().Fill(TimeSpan.MaxValue);
    }

    public int Trackers => _matchers.Length;

    public string NameOf(int tracker) => _matchers[tracker].Config.Name;

    public int Count(int tracker) => _count[tracker];

    /// <summary>The quorum as last reported.</summary>
    public bool HasQuorum(int tracker) => _quorum[tracker];

    /// <summary>The earliest pending report, or <see cref="TimeSpan.MaxValue"/>.</summary>
    public TimeSpan NextDue
    {
        get
        {
            TimeSpan next = TimeSpan.MaxValue;
            foreach (TimeSpan due in _due)
                next = due < next ? due : next;
            return next;
        }
    }

    /// <summary>
    /// Counts every process again. The first scan sets the quorums without reporting; a later
    /// one (events were lost) reports what changed: a gained quorum at once, a lost one after
    /// <c>terminate_delay</c>.
    /// </summary>
    public void Scan(TimeSpan now, List<QuorumChange> changes, bool initial = false)
    {
        _counted.Clear();
        Array.Clear(_count);
        bool names = _matchers.Any(m => !m.UsesCommandLine), commandLines = _matchers.Any(m => m.UsesCommandLine);
        foreach (int pid in _table.Pids())
        {
            // The name from the status also says whether it is a zombie, which is not counted.
            string? name = names ? _table.LiveName(pid) : null;
            if (names && name is null) continue;
            string[]? commandLine = commandLines ? _table.CommandLine(pid) : null;
            for (int t = 0; t < _matchers.Length; t++)
            {
                if (_matchers[t].Matches(name, commandLine))
                    Add(pid, t);
            }
        }
        for (int t = 0; t < _matchers.Length; t++)
        {
            if (initial)
            {
                _quorum[t] = Wanted(t);
                _due[t] = TimeSpan.MaxValue;
            }
            else
            {
                Settle(t, Wanted(t) ? Cause.Other : Cause.Exit, now, changes);
            }
        }
    }

    /// <summary>Without process events nothing is counted (keepalived reads no /proc then): the quorums are those of no process.</summary>
    public void AssumeNoneRunning()
    {
        _counted.Clear();
        Array.Clear(_count);
        for (int t = 0; t < _matchers.Length; t++)
        {
            _quorum[t] = Wanted(t);
            _due[t] = TimeSpan.MaxValue;
        }
    }

    /// <summary>A process forked: the child of a counted process is counted too (it runs the same program).</summary>
    public void OnFork(int child, int parent, TimeSpan now, List<QuorumChange> changes)
    {
        if (!_counted.TryGetValue(parent, out List<int>? trackers) || _counted.ContainsKey(child)) return;
        foreach (int t in trackers.ToArray())
        {
            Add(child, t);
            Settle(t, Cause.Fork, now, changes);
        }
    }

    /// <summary>A process ran a new program: compared again by name and command line.</summary>
    public void OnExec(int pid, TimeSpan now, List<QuorumChange> changes)
    {
        string? name = _table.Name(pid);
        string[]? commandLine = _matchers.Any(m => m.UsesCommandLine) ? _table.CommandLine(pid) : null;
        for (int t = 0; t < _matchers.Length; t++)
            Update(pid, t, _matchers[t].Matches(name, commandLine), now, changes);
    }

    /// <summary>A process changed its name: compared again where the name counts (not the command line).</summary>
    public void OnComm(int pid, string name, TimeSpan now, List<QuorumChange> changes)
    {
        for (int t = 0; t < _matchers.Length; t++)
        {
            if (!_matchers[t].UsesCommandLine)
                Update(pid, t, _matchers[t].Matches(name, null), now, changes);
        }
    }

    /// <summary>A process ended: no longer counted.</summary>
    public void OnExit(int pid, TimeSpan now, List<QuorumChange> changes)
    {
        if (!_counted.Remove(pid, out List<int>? trackers)) return;
        foreach (int t in trackers)
        {
            _count[t]--;
            Settle(t, Cause.Exit, now, changes);
        }
    }

    /// <summary>Reports the delayed changes that are due.</summary>
    public void RunDue(TimeSpan now, List<QuorumChange> changes)
    {
        for (int t = 0; t < _matchers.Length; t++)
        {
            if (_due[t] > now) continue;
            _due[t] = TimeSpan.MaxValue;
            Report(t, Wanted(t), changes);
        }
    }

    private bool Wanted(int t) => _count[t] >= _matchers[t].Config.Quorum && (uint)_count[t] <= _matchers[t].Config.QuorumMax;

    private void Update(int pid, int t, bool matches, TimeSpan now, List<QuorumChange> changes)
    {
        bool counted = _counted.TryGetValue(pid, out List<int>? trackers) && trackers.Contains(t);
        if (matches == counted) return;
        if (matches)
        {
            Add(pid, t);
        }
        else
        {
            trackers!.Remove(t);
            if (trackers.Count == 0) _counted.Remove(pid);
            _count[t]--;
        }
        Settle(t, Cause.Other, now, changes);
    }

    private void Add(int pid, int t)
    {
        if (!_counted.TryGetValue(pid, out List<int>? trackers))
            _counted[pid] = trackers = [];
        trackers.Add(t);
        _count[t]++;
    }

    // The count changed: nothing to report if the quorum is as reported (a pending report is
    // dropped); else report now, or after the fork/terminate delay of its cause.
    private void Settle(int t, Cause cause, TimeSpan now, List<QuorumChange> changes)
    {
        bool wanted = Wanted(t);
        if (wanted == _quorum[t])
        {
            _due[t] = TimeSpan.MaxValue;
            return;
        }
        TrackProcessConfig c = _matchers[t].Config;
        TimeSpan delay = cause switch { Cause.Fork => c.ForkDelay, Cause.Exit => c.TerminateDelay, _ => TimeSpan.Zero };
        if (delay > TimeSpan.Zero)
        {
            if (_due[t] == TimeSpan.MaxValue)
                _due[t] = now + delay;
            return;
        }
        _due[t] = TimeSpan.MaxValue;
        Report(t, wanted, changes);
    }

    private void Report(int t, bool up, List<QuorumChange> changes)
    {
        if (_quorum[t] == up) return;
        _quorum[t] = up;
        changes.Add(new QuorumChange(_matchers[t].Config.Name, up));
    }
}
