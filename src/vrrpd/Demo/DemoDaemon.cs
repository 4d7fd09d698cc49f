using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vrrpd.Demo;

/// <summary>
/// One <c>vrrpd -f</c> process inside a router namespace, started from the demo's own binary.
/// Its standard output and error go to a log file (through <c>sh</c>, so the daemon keeps
/// logging after the demo exits with <c>--keep</c>); the demo reads the file as it grows and
/// turns state changes into <see cref="DemoEvent"/>s timed by the daemon's own timestamps.
/// </summary>
internal sealed partial class DemoDaemon : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(3);

    private readonly Timeline _timeline;
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _partial = new();
    private readonly FileStream _log;
    private readonly byte[] _buffer = new byte[8192];
    private readonly char[] _chars = new char[8192];
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private volatile bool _stopping;

    private DemoDaemon(string name, string ns, string binary, string directory, Timeline timeline)
    {
        Name = name;
        Namespace = ns;
        _timeline = timeline;
        ConfigFile = Path.Combine(directory, $"{name}.conf");
        LogFile = Path.Combine(directory, $"{name}.log");
        ControlSocket = Path.Combine(directory, $"{name}.sock");
        PidFile = Path.Combine(directory, $"{name}.pid");
        // Unbuffered, so each read sees what the daemon appended since.
        _log = new FileStream(LogFile, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var info = new ProcessStartInfo("ip") { UseShellExecute = false };
        // ip netns exec execs setsid, which execs sh, which execs vrrpd: the process started is
        // the daemon itself. In a session of its own, a Ctrl-C at the terminal reaches the demo
        // only, and the demo stops the daemons in its own time, after the run's last look.
        string[] arguments = ["netns", "exec", ns, "setsid", "sh", "-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null", LogFile,
            binary, "-f", ConfigFile, "--control-socket", ControlSocket, "--pid-file", PidFile];
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        // Timestamped lines on stderr, no systemd notification, whatever started the demo.
        info.Environment.Remove("JOURNAL_STREAM");
        info.Environment.Remove("NOTIFY_SOCKET");
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.Exited += (_, _) => OnExited();
        if (!_process.Start())
            throw new InvalidOperationException($"could not start {binary} in {ns}");
        StartedAt = Stopwatch.GetTimestamp();
    }

    public string Name { get; }
    public string Namespace { get; }
    public string ConfigFile { get; }
    public string LogFile { get; }
    public string ControlSocket { get; }
    public string PidFile { get; }
    public long StartedAt { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Writes <paramref name="config"/> and starts vrrpd on it in <paramref name="ns"/>.</summary>
    public static DemoDaemon Start(string name, string ns, string binary, string directory, string config, Timeline timeline)
    {
        File.WriteAllText(Path.Combine(directory, $"{name}.conf"), config);
        return new DemoDaemon(name, ns, binary, directory, timeline);
    }

    /// <summary>The log lines read so far.</summary>
    public List<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    /// <summary>Reads what the daemon appended to its log since the last call (observer thread).</summary>
    public void ReadLog()
    {
        lock (_lines)
        {
            int n;
            while ((n = _log.Read(_buffer)) > 0)
                _partial.Append(_chars, 0, _decoder.GetChars(_buffer, 0, n, _chars, 0));
            string text = _partial.ToString();
            int end = text.LastIndexOf('\n');
            if (end < 0)
                return;
            _partial.Clear().Append(text.AsSpan(end + 1));
            foreach (string line in text[..end].Split('\n'))
            {
                _lines.Add(line);
                _timeline.Add(ToEvent(line));
            }
        }
    }

    private DemoEvent ToEvent(string line)
    {
        // "2026-11-27T02:44:30.123Z (VI_1) Entering MASTER STATE (master down timer expired)"
        long time = Stopwatch.GetTimestamp();
        string message = line;
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && DateTime.TryParseExact(line.AsSpan(0, space), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime utc))
        {
            time = _timeline.FromUtc(utc);
            message = line[(space + 1)..];
        }
        Match state = StateLine().Match(message);
        return state.Success
            ? new DemoEvent(time, Name, DemoEventKind.State, message, state.Groups[1].Value)
            : new DemoEvent(time, Name, DemoEventKind.Log, message);
    }

    [GeneratedRegex(@"^\(\S+\) Entering (\w+) STATE")]
    private static partial Regex StateLine();

    private void OnExited()
    {
        int status = _process.ExitCode;
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
        if (_process.HasExited)
            return $"had exited with status {_process.ExitCode}";
        // The shell's kill builtin: sh is everywhere, kill(1) is not.
        SendSignal("TERM");
        if (_process.WaitForExit(StopTimeout))
            return $"stopped (exit status {_process.ExitCode})";
        _process.Kill();
        _process.WaitForExit();
        return "killed (did not stop within 3 s of SIGTERM)";
    }

    private void SendSignal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("sh") { UseShellExecute = false, ArgumentList = { "-c", $"kill -{signal} {Pid.ToString(CultureInfo.InvariantCulture)} 2>/dev/null" } });
        kill?.WaitForExit();
    }

    /// <summary>Leaves the daemon running (<c>--keep</c>): its exit is no longer a failure.</summary>
    public void Release() => _stopping = true;

    public void Dispose()
    {
        _process.Dispose();
        _log.Dispose();
    }
}
