using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Vrrp.Lab;

namespace Vrrpd.Demo;

/// <summary>
/// One router of the demo: a <see cref="VrrpdProcess"/> started from the demo's own binary,
/// its output in a log file (so it keeps logging after the demo exits with <c>--keep</c>), in
/// a session of its own (a Ctrl-C at the terminal reaches the demo only, and the demo stops
/// the daemons in its own time, after the run's last look). The demo reads the log as it grows
/// and turns state changes into <see cref="DemoEvent"/>s timed by the daemon's own timestamps;
/// an exit the demo did not ask for fails the run.
/// </summary>
internal sealed partial class DemoDaemon : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(3);

    private readonly Timeline _timeline;
    private readonly VrrpdProcess _daemon;
    private readonly object _gate = new();
    private int _read;
    private volatile bool _stopping;

    private DemoDaemon(string name, string ns, string binary, string directory, string config, Timeline timeline)
    {
        Name = name;
        _timeline = timeline;
        // Held until _daemon is set: an exit right after the start waits for it in OnExited.
        lock (_gate)
        {
            _daemon = VrrpdProcess.Start(binary, ns, directory, name, config,
                new VrrpdProcessOptions { LogToFile = true, NewSession = true, Exited = OnExited });
        }
    }

    public string Name { get; }
    public string ControlSocket => _daemon.ControlSocket;
    public string LogFile => _daemon.LogFile!;
    public long StartedAt => _daemon.StartedAt;
    public int Pid => _daemon.Pid;
    public bool HasExited => _daemon.HasExited;

    /// <summary>Writes <paramref name="config"/> and starts vrrpd on it in <paramref name="ns"/>.</summary>
    public static DemoDaemon Start(string name, string ns, string binary, string directory, string config, Timeline timeline) =>
        new(name, ns, binary, directory, config, timeline);

    /// <summary>The log lines so far.</summary>
    public List<string> Lines => [.. _daemon.Lines];

    /// <summary>Turns what the daemon appended to its log since the last call into events (observer thread).</summary>
    public void ReadLog()
    {
        lock (_gate)
        {
            IReadOnlyList<LabLine> lines = _daemon.Process.Lines;
            for (; _read < lines.Count; _read++)
                _timeline.Add(ToEvent(lines[_read]));
        }
    }

    private DemoEvent ToEvent(LabLine line)
    {
        // "2026-11-27T02:44:30.123Z (VI_1) Entering MASTER STATE (master down timer expired)"
        long time = line.Timestamp;
        string message = line.Text;
        int space = message.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && DateTime.TryParseExact(message.AsSpan(0, space), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime utc))
        {
            time = _timeline.FromUtc(utc);
            message = message[(space + 1)..];
        }
        Match state = StateLine().Match(message);
        return state.Success
            ? new DemoEvent(time, Name, DemoEventKind.State, message, state.Groups[1].Value)
            : new DemoEvent(time, Name, DemoEventKind.Log, message);
    }

    [GeneratedRegex(@"^\(\S+\) Entering (\w+) STATE")]
    private static partial Regex StateLine();

    private void OnExited(int status)
    {
        lock (_gate)
        {
            // Only waits for the constructor, should the daemon have exited that fast.
        }
        _timeline.Add(new DemoEvent(Stopwatch.GetTimestamp(), Name, DemoEventKind.Exited, $"vrrpd exited with status {status}", status.ToString(CultureInfo.InvariantCulture)));
        if (!_stopping)
            _timeline.Fail($"{Name}'s vrrpd exited with status {status} (log: {LogFile})");
    }

    /// <summary>
    /// Stops the daemon as systemd would: SIGTERM (it sends priority 0 and removes its address),
    /// SIGKILL if it is still there after a few seconds. Returns how it ended.
    /// </summary>
    public string Stop()
    {
        _stopping = true;
        if (_daemon.HasExited)
            return $"had exited with status {_daemon.ExitCode}";
        return _daemon.Stop(StopTimeout)
            ? $"stopped (exit status {_daemon.ExitCode})"
            : "killed (did not stop within 3 s of SIGTERM)";
    }

    /// <summary>Leaves the daemon running (<c>--keep</c>): its exit is no longer a failure.</summary>
    public void Release()
    {
        _stopping = true;
        _daemon.Release();
    }

    public void Dispose() => _daemon.Dispose();
}
