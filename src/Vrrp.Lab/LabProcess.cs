using System.Diagnostics;

namespace Vrrp.Lab;

/// <summary>
/// A long-running process of a lab (a daemon, tcpdump, ping): its standard output and error
/// are collected line by line, each line stamped with the monotonic time it arrived, so a
/// caller can wait for a line and time what it reports. Disposing kills it with its children
/// (keepalived forks its VRRP child) if it still runs.
/// </summary>
public sealed class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<LabLine> _lines = [];
    private readonly object _gate = new();

    private LabProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The name given at start, used in messages.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code; only valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>, standard input closed.</summary>
    public static LabProcess Start(string name, string program, string arguments)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        var lab = new LabProcess(name, process);
        process.OutputDataReceived += (_, e) => lab.Add(e.Data);
        process.ErrorDataReceived += (_, e) => lab.Add(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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

    /// <summary>A copy of the lines so far (standard output and error interleaved as they arrived).</summary>
    public IReadOnlyList<LabLine> Lines
    {
        get { lock (_gate) return [.. _lines]; }
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
        lock (_gate)
        {
            int next = from;
            while (true)
            {
                for (; next < _lines.Count; next++)
                {
                    if (match(_lines[next].Text))
                        return _lines[next];
                }
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                    return null;
                // Woken by each new line; the timeout bounds the wait when the process is silent.
                Monitor.Wait(_gate, TimeSpan.FromSeconds(Math.Min(left / (double)Stopwatch.Frequency, 0.5)));
            }
        }
    }

    /// <summary>The number of lines so far: pass it to <see cref="WaitForLine"/> to wait only for what comes next.</summary>
    public int LineCount
    {
        get { lock (_gate) return _lines.Count; }
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, HUP, USR1...) to the process with kill(1).</summary>
    public void Signal(string signal)
    {
        if (!_process.HasExited)
            NetnsLab.Run("kill", $"-s {signal} {_process.Id}", check: false);
    }

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

    /// <summary>Kills the process tree if still running, and releases the handle.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
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
