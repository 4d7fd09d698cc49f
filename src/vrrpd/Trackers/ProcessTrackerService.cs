using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Vrrp.Keepalived;
using Vrrp.Linux;

namespace Vrrpd.Trackers;

/// <summary>
/// The <c>vrrp_track_process</c> blocks of one configuration, kept by a <see cref="ProcessCensus"/>
/// fed from the kernel's process connector on a <see cref="WatchThread"/> (no polling): it
/// subscribes, reads <c>/proc</c> once, then follows the events, reading <c>/proc</c> again
/// when events were lost. Each quorum gained or lost goes to <c>report(name, up)</c>, called
/// on its thread, never after <see cref="Dispose"/> returned. <see cref="HasQuorum"/> may be
/// called from any thread.
/// </summary>
internal sealed class ProcessTrackerService : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ProcessCensus _census;
    private readonly ProcessEventSource? _source;
    private readonly WatchThread? _thread;
    private readonly ILogger _log;
    private readonly Action<string, bool> _report;
    private readonly ProcessEvent[] _events = new ProcessEvent[256];
    private readonly List<QuorumChange> _changes = [];
    private bool _disposed;

    private ProcessTrackerService(IReadOnlyList<TrackProcessConfig> processes, bool borrowNamespace, ILogger log, Action<string, bool> report)
    {
        _log = log;
        _report = report;
        _census = new ProcessCensus(processes, ProcProcessTable.Instance);
        if (processes.Count == 0) return;
        try
        {
            // Subscribe first, then read /proc: no change falls between the two.
            _source = ProcessEventSource.Open(borrowNamespace: borrowNamespace);
            if (_source.BorrowedNamespace is string path)
                TrackerLog.ProcessEventsBorrowed(log, path);
            _census.Scan(Now(), _changes, initial: true);
        }
        catch (Win32Exception e)
        {
            // keepalived then counts nothing (it does not even read /proc): no quorum but for quorum_max 0.
            TrackerLog.ProcessEventsUnavailable(log, e.Message);
            _census.AssumeNoneRunning();
        }
        for (int t = 0; t < _census.Trackers; t++)
            TrackerLog.QuorumAtStart(log, _census.NameOf(t), _census.Count(t), _census.HasQuorum(t) ? "up" : "down");
        if (_source is not null)
            _thread = new WatchThread("vrrp_track_process", _source.Handle, OnReadable, OnDue, NextDeadline, log);
    }

    /// <summary>
    /// Subscribes to process events, counts the processes and starts following them; every
    /// quorum is reported once at once (routers kept across a reload hear the current state).
    /// </summary>
    public static ProcessTrackerService Start(IReadOnlyList<TrackProcessConfig> processes, bool borrowNamespace, ILogger log, Action<string, bool> report)
    {
        var service = new ProcessTrackerService(processes, borrowNamespace, log, report);
        service.ReportAll();
        service._thread?.Start();
        return service;
    }

    /// <summary>The quorum of a tracked process as last reported; null for a name this service does not track.</summary>
    public bool? HasQuorum(string name)
    {
        lock (_lock)
        {
            for (int t = 0; t < _census.Trackers; t++)
            {
                if (_census.NameOf(t) == name)
                    return _census.HasQuorum(t);
            }
            return null;
        }
    }

    private static TimeSpan Now() => TimeSpan.FromTicks(MonotonicClock.NowNanoseconds / 100);

    private void ReportAll()
    {
        for (int t = 0; t < _census.Trackers; t++)
            _report(_census.NameOf(t), _census.HasQuorum(t));
    }

    private void OnReadable()
    {
        lock (_lock)
        {
            if (_disposed) return;
            int n;
            do
            {
                n = _source!.Read(_events, out bool overrun);
                TimeSpan now = Now();
                foreach (ProcessEvent e in _events.AsSpan(0, n))
                {
                    switch (e.Kind)
                    {
                        case ProcessEventKind.Fork: _census.OnFork(e.Pid, e.ParentPid, now, _changes); break;
                        case ProcessEventKind.Exec: _census.OnExec(e.Pid, now, _changes); break;
                        case ProcessEventKind.Comm: _census.OnComm(e.Pid, e.Comm!, now, _changes); break;
                        case ProcessEventKind.Exit: _census.OnExit(e.Pid, now, _changes); break;
                    }
                }
                if (overrun)
                {
                    TrackerLog.ProcessEventsLost(_log);
                    _census.Scan(now, _changes);
                }
            }
            while (n == _events.Length);
            Flush();
        }
    }

    private void OnDue()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _census.RunDue(Now(), _changes);
            Flush();
        }
    }

    private long NextDeadline()
    {
        lock (_lock)
        {
            TimeSpan due = _census.NextDue;
            return due == TimeSpan.MaxValue ? long.MaxValue : due.Ticks * 100;
        }
    }

    // Under the lock, so Dispose cannot return while a report is in flight.
    private void Flush()
    {
        foreach (QuorumChange change in _changes)
        {
            TrackerLog.Quorum(_log, change.Up ? "gained" : "lost", change.Name);
            _report(change.Name, change.Up);
        }
        _changes.Clear();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _thread?.Dispose();
        _source?.Dispose();
    }
}
