using System.Diagnostics;
using System.Text;

namespace Vrrp.Lab;

/// <summary>
/// A long-running process of a lab (a daemon, tcpdump, ping): its standard output and error
/// are collected line by line, each line stamped with the monotonic time it arrived, so a
/// caller can wait for a line and time what it reports. Disposing kills it with its children
/// (keepalived forks its VRRP child) if it still runs, unless it was <see cref="Release"/>d.
/// </summary>
/// <remarks>
/// The output comes either through pipes, each line as it is printed, or, with
/// <see cref="LabProcessOptions.LogFile"/>, through a file the process appends to and that is
/// read back whenever lines are asked for; a line's <see cref="LabLine.Timestamp"/> is then the
/// time it was read.
/// </remarks>
public sealed class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<LabLine> _lines = [];
    private readonly object _gate = new();
    private readonly LogTail? _log;
    private bool _released;

    private LabProcess(string name, Process process, LogTail? log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    /// <summary>The name given at start, used in messages.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code; only valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The <see cref="Stopwatch.GetTimestamp"/> taken right after it was started.</summary>
    public long StartedAt { get; private set; }

    /// <summary>The file its output goes to (<see cref="LabProcessOptions.LogFile"/>), or null when it comes through pipes.</summary>
    public string? LogFile => _log?.Path;

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> (one command-line string), its output through pipes, standard input closed.</summary>
    public static LabProcess Start(string name, string program, string arguments) =>
        Start(name, new ProcessStartInfo(program, arguments), logFile: null, exited: null);

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> as <paramref name="options"/> say.</summary>
    public static LabProcess Start(string name, string program, IEnumerable<string> arguments, LabProcessOptions? options = null)
    {
        options ??= new LabProcessOptions();
        List<string> command = [];
        // Each of these execs the next: the process started is the program itself.
        if (options.Namespace is { } ns)
            command.AddRange(["ip", "netns", "exec", ns]);
        if (options.NewSession)
            command.Add("setsid");
        if (options.LogFile is { } log)
            command.AddRange(["sh", "-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null", log]);
        command.Add(program);
        command.AddRange(arguments);
        var info = new ProcessStartInfo(command[0]);
        foreach (string argument in command.Skip(1))
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in options.Environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }
        return Start(name, info, options.LogFile, options.Exited);
    }

    private static LabProcess Start(string name, ProcessStartInfo info, string? logFile, Action<int>? exited)
    {
        bool piped = logFile is null;
        info.UseShellExecute = false;
        info.RedirectStandardOutput = piped;
        info.RedirectStandardError = piped;
        info.RedirectStandardInput = piped;
        // Created empty (and opened for reading) before the process appends to it.
        LogTail? log = logFile is null ? null : new LogTail(logFile);
        var process = new Process { StartInfo = info };
        var lab = new LabProcess(name, process, log);
        if (piped)
        {
            process.OutputDataReceived += (_, e) => lab.Add(e.Data);
            process.ErrorDataReceived += (_, e) => lab.Add(e.Data);
        }
        if (exited is not null)
        {
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => exited(process.ExitCode);
        }
        try
        {
            if (!process.Start())
                throw new InvalidOperationException($"could not start {info.FileName}");
        }
        catch
        {
            process.Dispose();
            log?.Dispose();
            throw;
        }
        lab.StartedAt = Stopwatch.GetTimestamp();
        if (piped)
        {
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return lab;
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            _lines.Add(new LabLine(Stopwatch.GetTimestamp(), line));
            Monitor.PulseAll(_gate);
        }
    }

    // Takes in what the process appended to its log file since the last look.
    private void ReadLogLocked()
    {
        if (_log is null || _log.IsClosed)
            return;
        int before = _lines.Count;
        long now = Stopwatch.GetTimestamp();
        foreach (string line in _log.ReadLines())
            _lines.Add(new LabLine(now, line));
        if (_lines.Count > before)
            Monitor.PulseAll(_gate);
    }

    /// <summary>A copy of the lines so far (standard output and error interleaved as they arrived).</summary>
    public IReadOnlyList<LabLine> Lines
    {
        get
        {
            lock (_gate)
            {
                ReadLogLocked();
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything printed so far, one line per line.</summary>
    public string Output => string.Join('\n', Lines.Select(l => l.Text));

    /// <summary>
    /// Waits for a line matching <paramref name="match"/>, looking at lines from index
    /// <paramref name="from"/> on; returns it, or null after <paramref name="timeout"/>.
    /// </summary>
    public LabLine? WaitForLine(Func<string, bool> match, TimeSpan timeout, int from = 0)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        // Woken by each new line from a pipe; a log file is looked at again every 20 ms.
        double longestWait = _log is null ? 0.5 : 0.02;
        lock (_gate)
        {
            int next = from;
            while (true)
            {
                ReadLogLocked();
                for (; next < _lines.Count; next++)
                {
                    if (match(_lines[next].Text))
                        return _lines[next];
                }
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                    return null;
                // The timeout bounds the wait when the process is silent.
                Monitor.Wait(_gate, TimeSpan.FromSeconds(Math.Min(left / (double)Stopwatch.Frequency, longestWait)));
            }
        }
    }

    /// <summary>The number of lines so far: pass it to <see cref="WaitForLine"/> to wait only for what comes next.</summary>
    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                ReadLogLocked();
                return _lines.Count;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (TERM, INT, HUP, USR1, STOP...) to the process with the
    /// shell's kill builtin (sh is everywhere, kill(1) is not); returns whether it was delivered
    /// (false once the process has exited).
    /// </summary>
    public bool Signal(string signal) =>
        !_process.HasExited && NetnsLab.RunCaptured("sh", $"-c \"kill -s {signal} {_process.Id}\"").ExitCode == 0;

    /// <summary>Waits for the process to exit; false if it still runs after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit(); // drains the output readers
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> and waits for the exit; kills the process tree if it takes longer than <paramref name="timeout"/>. Returns whether it exited by itself.</summary>
    public bool Stop(TimeSpan timeout, string signal = "TERM")
    {
        Signal(signal);
        if (WaitForExit(timeout))
            return true;
        Kill();
        return false;
    }

    /// <summary>Kills the process and its children (SIGKILL), and waits for it.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>Lets the process outlive this object (<c>vrrpd demo --keep</c>): <see cref="Dispose"/> no longer kills it.</summary>
    public void Release() => _released = true;

    /// <summary>Kills the process tree if still running (unless released), and releases the handle and the log file.</summary>
    public void Dispose()
    {
        if (!_released)
            Kill();
        _process.Dispose();
        lock (_gate)
            _log?.Dispose();
    }

    /// <summary>The log file of a process, read as it grows: complete lines only, the rest kept for the next read.</summary>
    private sealed class LogTail(string path) : IDisposable
    {
        // Unbuffered, so each read sees what the process appended since.
        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        private readonly byte[] _buffer = new byte[8192];
        private readonly char[] _chars = new char[8192];
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _partial = new();

        public string Path { get; } = path;

        public bool IsClosed { get; private set; }

        public string[] ReadLines()
        {
            int n;
            while ((n = _stream.Read(_buffer)) > 0)
                _partial.Append(_chars, 0, _decoder.GetChars(_buffer, 0, n, _chars, 0));
            string text = _partial.ToString();
            int end = text.LastIndexOf('\n');
            if (end < 0)
                return [];
            _partial.Clear().Append(text.AsSpan(end + 1));
            return text[..end].Split('\n');
        }

        public void Dispose()
        {
            IsClosed = true;
            _stream.Dispose();
        }
    }
}

/// <summary>How a <see cref="LabProcess"/> runs, besides its program and arguments.</summary>
public sealed record LabProcessOptions
{
    /// <summary>
    /// The network namespace to run in (<c>ip netns exec</c>, which execs the program: the
    /// process started is the program itself); null runs it in the caller's.
    /// </summary>
    public string? Namespace { get; init; }

    /// <summary>
    /// Null: standard output and error come through pipes, each line collected as it arrives.
    /// A path: the file is created empty, the shell appends both outputs to it (standard input
    /// is /dev/null), and lines are read back from it when they are asked for. The process then
    /// keeps logging after whoever started it is gone (<c>vrrpd demo --keep</c>), and costs its
    /// starter nothing while it runs (bench/netlab measures the whole machine's CPU).
    /// </summary>
    public string? LogFile { get; init; }

    /// <summary>In a session of its own (setsid(1), which execs it): a Ctrl-C at the terminal reaches the starter only.</summary>
    public bool NewSession { get; init; }

    /// <summary>Environment variables to set for it; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Called once with the exit status when the process exits (on a thread-pool thread).</summary>
    public Action<int>? Exited { get; init; }
}

/// <summary>One line of a <see cref="LabProcess"/>'s output, with the <see cref="Stopwatch.GetTimestamp"/> it arrived at.</summary>
public readonly record struct LabLine(long Timestamp, string Text)
{
    /// <summary>The time from <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/> value) to this line.</summary>
    public TimeSpan Since(long start) => Stopwatch.GetElapsedTime(start, Timestamp);
}

/// <summary>A running tcpdump capture; <see cref="Stop"/> ends it and leaves a complete pcap file at <see cref="File"/>.</summary>
public sealed class PacketCapture(LabProcess tcpdump, string file)
{
    /// <summary>The pcap file written.</summary>
    public string File { get; } = file;

    /// <summary>Stops tcpdump (SIGINT: it flushes and closes the file) and returns <see cref="File"/>.</summary>
    public string Stop()
    {
        tcpdump.Stop(TimeSpan.FromSeconds(5), "INT");
        return File;
    }
}
