using System.ComponentModel;
using System.Runtime.InteropServices;
using Vrrp.Linux.Netlink;
using Vrrp.Keepalived;
using Vrrpd.Control;
using Vrrpd.Host;
using Vrrpd.Logging;
using Vrrpd.Scripts;

namespace Vrrpd.Commands;

/// <summary>
/// <c>vrrpd -f FILE</c>: runs the daemon in the foreground until SIGTERM/SIGINT; SIGHUP reloads.
/// Exit 0 after an orderly stop, 1 when it cannot start (configuration, interfaces, sockets).
/// </summary>
internal static class DaemonCommand
{
    private static readonly TimeSpan NotifyDrainTimeout = TimeSpan.FromSeconds(5);

    public static int Run(DaemonOptions options)
    {
        LineLogger log = LineLogger.ForStandardError(options.LogDetail);
        string path = options.ResolveConfigFile(File.Exists);
        var loadOptions = new ConfigLoadOptions(options.ConfigId);
        ConfigLoadResult load = ConfigLoader.LoadFile(path, loadOptions);
        foreach (ConfigDiagnostic d in load.Diagnostics)
        {
            if (d.IsError)
                Log.ConfigError(log, d.ToString());
            else
                Log.ConfigWarning(log, d.ToString());
        }
        if (load.Config is not KeepalivedConfig config)
        {
            Log.StartFailed(log, $"{path}: the configuration has {load.Errors.Count()} error(s); not starting");
            return 1;
        }

        using var notifications = new NotificationSink(log);
        using var scripts = new TrackScriptSource(log);
        PidFile? pidFile = null;
        VrrpHost? host = null;
        ControlServer? control = null;
        try
        {
            if (options.PidFile is { } pidPath)
                pidFile = PidFile.Write(pidPath);
            host = new VrrpHost(path, loadOptions, log, notifications, scripts);
            control = ControlServer.Start(options.ControlSocket, host.Mailbox, log);
            Mailbox mailbox = host.Mailbox;
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, mailbox, "SIGTERM"));
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, mailbox, "SIGINT"));
            using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
            {
                c.Cancel = true;
                mailbox.Post(new ReloadMessage());
            });
            host.Start(config);
            SdNotify.Send($"READY=1\nSTATUS={host.Routers.Count} VRRP instances\nMAINPID={Environment.ProcessId}");
            host.Run();
            SdNotify.Send("STOPPING=1");
            host.Shutdown();
            if (!notifications.Drain(NotifyDrainTimeout))
                Log.NotifyTimeout(log, NotifyDrainTimeout.TotalSeconds);
            Log.Stopped(log);
            return host.Failed ? 1 : 0;
        }
        catch (Exception e) when (e is HostConfigException or NetlinkException or Win32Exception or IOException or UnauthorizedAccessException)
        {
            Log.StartFailed(log, e is HostConfigException h ? h.ToString() : e.Message);
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

    private static void Stop(PosixSignalContext context, Mailbox mailbox, string signal)
    {
        context.Cancel = true;
        mailbox.Post(new StopMessage(signal));
    }
}
