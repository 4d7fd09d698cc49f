using System.Diagnostics;
using System.Globalization;
using Vrrp.Lab;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// One daemon running in a router namespace, its output in a log file (read only when asked:
/// the bench costs nothing while it measures): vrrpd as a <see cref="VrrpdProcess"/>,
/// keepalived and the floor as a <see cref="LabProcess"/>. keepalived runs as a parent and a
/// VRRP child (both are measured); vrrpd is one process. Stopped with SIGTERM, then SIGKILL;
/// only the processes started here are ever signalled.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly LabProcess _process;
    private readonly VrrpdProcess? _vrrpd;
    private readonly List<int> _pids;

    private DaemonProcess(string name, LabProcess process, VrrpdProcess? vrrpd)
    {
        Name = name;
        _process = process;
        _vrrpd = vrrpd;
        _pids = [process.Id];
    }

    public string Name { get; }
    public string LogPath => _process.LogFile!;

    /// <summary>Every process of the daemon (keepalived: parent and VRRP child).</summary>
    public IReadOnlyList<int> Pids => _pids;

    /// <summary>vrrpd's control socket; null for the other daemons.</summary>
    public string? ControlSocket => _vrrpd?.ControlSocket;

    /// <summary>
    /// Starts <paramref name="kind"/> in namespace <paramref name="ns"/> on <paramref name="config"/>
    /// (the floor: its arguments); files go to <paramref name="workDir"/> under
    /// <paramref name="role"/>. Returns when every process of the daemon is running.
    /// </summary>
    public static DaemonProcess Start(DaemonKind kind, string program, string ns, string config, string workDir, string role, CancellationToken cancel)
    {
        string name = $"{Label(kind)} {role}";
        if (kind == DaemonKind.Vrrpd)
        {
            // {role}.conf, {role}.sock, {role}.pid and {role}.log; the configuration is the file keepalived runs on too.
            var vrrpd = VrrpdProcess.Start(program, ns, workDir, role, File.ReadAllText(config), new VrrpdProcessOptions { LogToFile = true });
            return new DaemonProcess(name, vrrpd.Process, vrrpd);
        }
        string log = Path.Combine(workDir, $"{role}.{Label(kind)}.log");
        string pidFile = Path.Combine(workDir, $"{role}.{Label(kind)}.pid");
        string childPidFile = Path.Combine(workDir, $"{role}.keepalived-vrrp.pid");
        string[] arguments = kind == DaemonKind.Keepalived
            // -P: VRRP only; -G: no syslog; -n: foreground; own pid files so nothing under /run is used.
            ? ["-n", "-l", "-D", "-G", "-P", "-f", config, "-p", pidFile, "-r", childPidFile]
            // This bench again: `program` is the dotnet host, `config` the floor's arguments.
            : [Path.Combine(AppContext.BaseDirectory, "netlab.dll"), "floor", .. config.Split(' ')];
        var daemon = new DaemonProcess(name, LabProcess.Start(name, program, arguments, new LabProcessOptions { Namespace = ns, LogFile = log }), null);
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

    /// <summary>Throws with the log's tail if a process of the daemon has exited.</summary>
    public void ThrowIfExited()
    {
        foreach (int pid in _pids)
            if (_process.HasExited || !ProcStat.IsAlive(pid))
                throw new InvalidOperationException($"{Name} exited{(_process.HasExited ? $" with code {_process.ExitCode}" : "")}; log {LogPath}:\n{Tail()}");
    }

    /// <summary>Log lines so far that say a router became Master (keepalived and vrrpd word it alike).</summary>
    public int MasterTransitions() => _process.Lines.Count(l => l.Text.Contains("Entering MASTER STATE", StringComparison.Ordinal));

    public string Tail(int lines = 20) => string.Join('\n', _process.Lines.TakeLast(lines).Select(l => l.Text));

    /// <summary>SIGTERM, up to 5 s for a clean exit (VIPs removed), then SIGKILL of every process.</summary>
    public void Stop()
    {
        _process.Stop(StopTimeout);
        // keepalived's child is reaped by its parent; make sure it is gone too.
        foreach (int pid in _pids.Skip(1))
            for (int i = 0; i < 50 && ProcStat.IsAlive(pid); i++) Thread.Sleep(20);
        foreach (int pid in _pids.Skip(1))
            if (ProcStat.IsAlive(pid)) Kill(pid);
    }

    public void Dispose()
    {
        Stop();
        if (_vrrpd is not null) _vrrpd.Dispose();
        else _process.Dispose();
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone meanwhile.
        }
    }

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
