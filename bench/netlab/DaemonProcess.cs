using System.Diagnostics;
using System.Globalization;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// One daemon running in a router namespace, its output in a log file. keepalived runs as a
/// parent and a VRRP child (both are measured); vrrpd is one process. Stopped with SIGTERM,
/// then SIGKILL; only the processes started here are ever signalled.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<int> _pids;

    private DaemonProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        _pids = [process.Id];
        LogPath = logPath;
    }

    public string Name { get; }
    public string LogPath { get; }
    public int MainPid => _process.Id;

    /// <summary>Every process of the daemon (keepalived: parent and VRRP child).</summary>
    public IReadOnlyList<int> Pids => _pids;

    /// <summary>
    /// Starts <paramref name="kind"/> in namespace <paramref name="ns"/> on <paramref name="config"/>;
    /// files go to <paramref name="workDir"/> under <paramref name="role"/>. Returns when every
    /// process of the daemon is running.
    /// </summary>
    public static DaemonProcess Start(DaemonKind kind, string program, string ns, string config, string workDir, string role, CancellationToken cancel)
    {
        string log = Path.Combine(workDir, $"{role}.{Label(kind)}.log");
        string pidFile = Path.Combine(workDir, $"{role}.{Label(kind)}.pid");
        string childPidFile = Path.Combine(workDir, $"{role}.keepalived-vrrp.pid");
        string arguments = kind switch
        {
            // -P: VRRP only; -G: no syslog; -n: foreground; own pid files so nothing under /run is used.
            DaemonKind.Keepalived => $"-n -l -D -G -P -f {config} -p {pidFile} -r {childPidFile}",
            DaemonKind.Vrrpd => $"-f {config} --pid-file {pidFile} --control-socket {ControlSocket(workDir, role)}",
            // This bench again: `program` is the dotnet host, `config` the floor's arguments.
            _ => $"{Path.Combine(AppContext.BaseDirectory, "netlab.dll")} floor {config}",
        };
        // ip netns exec and sh both exec, so the process started is the daemon itself.
        var info = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (string a in (string[])["netns", "exec", ns, "sh", "-c", $"exec {program} {arguments} >{log} 2>&1"])
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var daemon = new DaemonProcess($"{Label(kind)} {role}", process, log);
        if (kind == DaemonKind.Keepalived)
        {
            int child = WaitForPidFile(childPidFile, daemon, cancel);
            daemon._pids.Add(child);
        }
        return daemon;
    }

    public static string Label(DaemonKind kind) => kind switch
    {
        DaemonKind.Keepalived => "keepalived",
        DaemonKind.Vrrpd => "vrrpd",
        _ => "floor",
    };

    public static string ControlSocket(string workDir, string role) => Path.Combine(workDir, role + ".sock");

    /// <summary>Throws with the log's tail if a process of the daemon has exited.</summary>
    public void ThrowIfExited()
    {
        foreach (int pid in _pids)
            if (_process.HasExited || !ProcStat.IsAlive(pid))
                throw new InvalidOperationException($"{Name} exited{(_process.HasExited ? $" with code {_process.ExitCode}" : "")}; log {LogPath}:\n{Tail()}");
    }

    /// <summary>Log lines so far that say a router became Master (keepalived and vrrpd word it alike).</summary>
    public int MasterTransitions()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            int count = 0;
            while (reader.ReadLine() is { } line)
                if (line.Contains("Entering MASTER STATE", StringComparison.Ordinal)) count++;
            return count;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public string Tail(int lines = 20)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>SIGTERM, up to 5 s for a clean exit (VIPs removed), then SIGKILL of every process.</summary>
    public void Stop()
    {
        if (!_process.HasExited) Signal("TERM", _process.Id);
        if (!_process.WaitForExit(5000))
        {
            foreach (int pid in _pids) Signal("KILL", pid);
            _process.WaitForExit(2000);
        }
        // keepalived's child is reaped by its parent; make sure it is gone too.
        foreach (int pid in _pids.Skip(1))
            for (int i = 0; i < 50 && ProcStat.IsAlive(pid); i++) Thread.Sleep(20);
        foreach (int pid in _pids.Skip(1))
            if (ProcStat.IsAlive(pid)) Signal("KILL", pid);
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private static void Signal(string signal, int pid) =>
        Vrrp.Lab.NetnsLab.Run("kill", $"-{signal} {pid.ToString(CultureInfo.InvariantCulture)}", check: false);

    private static int WaitForPidFile(string path, DaemonProcess daemon, CancellationToken cancel)
    {
        for (int i = 0; i < 500 && !cancel.IsCancellationRequested; i++)
        {
            daemon.ThrowIfExited();
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out int pid) && ProcStat.IsAlive(pid))
                return pid;
            Thread.Sleep(20);
        }
        daemon.Stop();
        throw new InvalidOperationException($"{daemon.Name} wrote no {path} within 10 s; log:\n{daemon.Tail()}");
    }
}
