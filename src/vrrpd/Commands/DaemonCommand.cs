using System.ComponentModel;
using System.Runtime.InteropServices;
using Vrrp.Linux.Hosting;
using Vrrp.Linux.Netlink;
using Vrrp.Keepalived;
using Vrrpd.Control;
using Vrrpd.Daemon;
using Vrrpd.Logging;
using Vrrpd.Scripts;
using Vrrpd.Trackers;

namespace Vrrpd.Commands;

/// <summary>
/// <c>vrrpd -f FILE</c>: runs the daemon in the foreground until SIGTERM/SIGINT; SIGHUP reloads.
/// Exit 0 after an orderly stop, 1 when it cannot start (configuration, interfaces, sockets).
/// The composition: the configuration, the host that runs its routers, the scripts that feed
/// and hear it, the control socket, signals and systemd.
/// </summary>
internal static class DaemonCommand
{
    private static readonly TimeSpan NotifyDrainTimeout = TimeSpan.FromSeconds(5);

    public static int Run(DaemonOptions options)
    {
        LineLogger log = LineLogger.ForStandardError(options.LogDetail);
        string path = Path.GetFullPath(options.ResolveConfigFile(File.Exists));
        var loadOptions = new ConfigLoadOptions(options.ConfigId);
        if (DaemonConfiguration.Load(path, loadOptions, log, out int errors) is not DaemonConfiguration loaded)
        {
            Log.StartFailed(log, $"{path}: the configuration has {errors} error(s); not starting");
            return 1;
        }

        if (!options.KeepCapabilities)
            Privileges.Restrict(loaded.Config, log);

        using var notifications = new NotificationSink(log);
        using var trackers = new ExternalTrackers(log);
        PidFile? pidFile = null;
        VrrpHost? host = null;
        ControlServer? control = null;
        try
        {
            if (options.PidFile is { } pidPath)
                pidFile = PidFile.Write(pidPath);
            host = new VrrpHost(new VrrpHostSettings { Logger = log, Observer = notifications, TrackerStates = trackers });
            control = ControlServer.Start(options.ControlSocket, host, path, log);
            VrrpHost running = host;
            var reloader = new Reloader(path, loadOptions, log, host, trackers, notifications);
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, running, "SIGTERM"));
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, running, "SIGINT"));
            using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
            {
                c.Cancel = true;
                reloader.Request();
            });
            trackers.Configure(loaded, host);
            notifications.Configure(loaded.Config);
            host.Start(loaded.Host);
            SdNotify.Send($"READY=1\nSTATUS={host.RouterCount} VRRP instances\nMAINPID={Environment.ProcessId}");
            host.Run();
            SdNotify.Send("STOPPING=1");
            host.Shutdown();
            if (!notifications.Drain(NotifyDrainTimeout))
                Log.NotifyTimeout(log, NotifyDrainTimeout.TotalSeconds);
            Log.Stopped(log);
            return host.Failed ? 1 : 0;
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

    private static void Stop(PosixSignalContext context, VrrpHost host, string signal)
    {
        context.Cancel = true;
        host.RequestStop("Received " + signal);
    }
}
