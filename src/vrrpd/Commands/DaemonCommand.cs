using System.ComponentModel;
using Vrrp.Linux.Hosting;
using Vrrp.Linux.Netlink;
using Vrrp.Keepalived;
using Vrrpd.Control;
using Vrrpd.Daemon;
using Vrrpd.Dumps;
using Vrrpd.Logging;
using Vrrpd.Scripts;
using Vrrpd.Trackers;

namespace Vrrpd.Commands;

/// <summary>
/// <c>vrrpd -f FILE</c>: runs the daemon in the foreground until SIGTERM/SIGINT; SIGHUP reloads;
/// SIGUSR1, SIGUSR2, SIGRTMIN+2, SIGRTMAX-1 write keepalived's dumps; every other signal that
/// would end the process is ignored. Exit 0 after an orderly stop, 1 when it cannot start
/// (configuration, interfaces, sockets) or stopped after an internal error (then addresses are
/// released first, as on SIGTERM). The composition: the configuration, the host that runs its
/// routers, the scripts that feed and hear it, the control socket, signals, dumps and systemd.
/// </summary>
internal static class DaemonCommand
{
    private static readonly TimeSpan NotifyDrainTimeout = TimeSpan.FromSeconds(5);

    public static int Run(DaemonOptions options)
    {
        LineLogger log = LineLogger.ForDaemon(options);
        string path = Path.GetFullPath(options.ResolveConfigFile(File.Exists));
        var loadOptions = new ConfigLoadOptions(options.ConfigId);
        if (DaemonConfiguration.Load(path, loadOptions, log, out int errors) is not DaemonConfiguration loaded)
        {
            Log.StartFailed(log, $"{path}: the configuration has {errors} error(s); not starting");
            return 1;
        }
        // Capabilities belong to threads: they are given up while the process has no threads but
        // its own and the runtime's finalizer, before signal handling starts one. Until then a
        // signal can end the process, but it holds nothing yet that would be left behind.
        if (!options.KeepCapabilities)
            Privileges.Restrict(loaded.Config, log);

        using var signals = DaemonSignals.Install(log);
        LastChance lastChance = LastChance.Install(log);
        _ = TestFaults.Enabled; // the test hook's variable is read at startup, not at a request
        try
        {
            return Run(options, log, signals, lastChance, path, loadOptions, loaded);
        }
        finally
        {
            lastChance.Finished();
        }
    }

    private static int Run(DaemonOptions options, LineLogger log, DaemonSignals signals, LastChance lastChance,
        string path, ConfigLoadOptions loadOptions, DaemonConfiguration loaded)
    {
        using var notifications = new NotificationSink(log);
        using var trackers = new ExternalTrackers(log);
        var dumps = new DumpWriter(DumpFiles.Create(options.DumpDirectory, options.KeepalivedDumpNames, Environment.GetEnvironmentVariable("TMPDIR")), log);
        PidFile? pidFile = null;
        VrrpHost? host = null;
        ControlServer? control = null;
        try
        {
            if (options.PidFile is { } pidPath)
                pidFile = PidFile.Write(pidPath);
            host = new VrrpHost(new VrrpHostSettings { Logger = log, Observer = notifications, TrackerStates = trackers });
            lastChance.Attach(host);
            control = ControlServer.Start(options.ControlSocket, host, path, log);
            VrrpHost running = host;
            var reloader = new Reloader(path, loadOptions, log, host, trackers, notifications, dumps.Configure);
            trackers.Configure(loaded, host);
            notifications.Configure(loaded.Config);
            dumps.Configure(loaded.Config);
            dumps.Attach(host);
            signals.Attach(new DaemonSignals.Actions(reason => running.RequestStop(reason), reloader.Request, dumps.Request));
            host.Start(loaded.Host);
            SdNotify.Send($"READY=1\nSTATUS={host.RouterCount} VRRP instances\nMAINPID={Environment.ProcessId}");
            bool failed = !RunLoop(host, log);
            SdNotify.Send("STOPPING=1");
            failed |= !Shutdown(host, log);
            if (!notifications.Drain(NotifyDrainTimeout))
                Log.NotifyTimeout(log, NotifyDrainTimeout.TotalSeconds);
            Log.Stopped(log);
            return failed || host.Failed || lastChance.Triggered ? 1 : 0;
        }
        catch (Exception e) when (e is HostBuildException or NetlinkException or Win32Exception or IOException or UnauthorizedAccessException)
        {
            Log.StartFailed(log, e is HostBuildException h ? loaded.Describe(h) : e.Message);
            host?.Shutdown();
            return 1;
        }
        finally
        {
            control?.Dispose();
            host?.Dispose();
            pidFile?.Dispose();
        }
    }

    // The loop thread's last chance: whatever escapes the loop (an OutOfMemoryException, a bug
    // outside an iteration) still ends in the SIGTERM path, and the exit status says it failed.
    private static bool RunLoop(VrrpHost host, LineLogger log)
    {
        try
        {
            host.Run();
            return true;
        }
        catch (Exception e)
        {
            SignalLog.LoopFailed(log, LastChance.ExitStatus, e);
            return false;
        }
    }

    private static bool Shutdown(VrrpHost host, LineLogger log)
    {
        try
        {
            host.Shutdown();
            return true;
        }
        catch (Exception e)
        {
            SignalLog.ShutdownFailed(log, e);
            return false;
        }
    }
}
