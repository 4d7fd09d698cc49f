using Microsoft.Extensions.Logging;
using Vrrp.Keepalived;
using Vrrp.Linux;
using Vrrpd.Logging;
using Vrrpd.Scripts;

namespace Vrrpd.Daemon;

/// <summary>
/// Least privilege: the daemon itself needs only CAP_NET_RAW (packet and raw sockets) and
/// CAP_NET_ADMIN (addresses, links, macvlans, nftables). Started with more (as plain root),
/// it gives up the rest for good before it opens anything, unless a script runs as root: such a
/// script gets the daemon's capabilities and may need any of them (keepalived gives it all).
/// Scripts that run as another user keep the capabilities that starting them as that user needs.
/// </summary>
internal static class Privileges
{
    public static readonly ulong Daemon = Capabilities.Mask(Capability.NetRaw, Capability.NetAdmin);

    // Start a script as its user (setpriv), signal it, give a FIFO to its user, check its path.
    private static readonly ulong UserScripts = Capabilities.Mask(Capability.SetUid, Capability.SetGid, Capability.Kill, Capability.Chown, Capability.DacReadSearch);

    /// <summary>What this configuration lets the daemon keep, or null when a root script may need everything.</summary>
    public static ulong? Needed(KeepalivedConfig config, out string why)
    {
        // Entering another process's network namespace for process events takes CAP_SYS_PTRACE
        // (to open /proc/PID/ns/net of a process holding more) and CAP_SYS_ADMIN (setns).
        ulong extra = config.Global.ProcessEventsFromHostNamespace && config.TrackProcesses.Count > 0
            ? Capabilities.Mask(Capability.SysPtrace, Capability.SysAdmin) : 0;
        ulong? needed = NeededByScripts(config, out why);
        return needed is ulong mask ? mask | extra : null;
    }

    private static ulong? NeededByScripts(KeepalivedConfig config, out string why)
    {
        List<ScriptCommand> scripts = [.. Commands(config)];
        if (scripts.Count == 0)
        {
            why = "no scripts";
            return Daemon;
        }
        foreach (ScriptCommand command in scripts)
        {
            if (ScriptAccount.TryResolve(command, config.Global, out ScriptAccount account, out _) && account.Uid == 0)
            {
                why = $"script {command.CommandLine} runs as root";
                return null;
            }
        }
        why = "every script runs as its own user";
        return Daemon | UserScripts;
    }

    /// <summary>Gives up what the configuration does not need; logs what it kept and why.</summary>
    public static void Restrict(KeepalivedConfig config, ILogger log)
    {
        ulong held = Capabilities.Read("CapEff");
        if ((held & ~Daemon) == 0)
            return; // already started with the least (systemd unit, setpriv)
        if (Needed(config, out string why) is not ulong keep)
        {
            Log.CapabilitiesKept(log, why);
            return;
        }
        if ((held & ~keep) == 0)
            return;
        try
        {
            Capabilities.RestrictTo(keep & held);
            Log.CapabilitiesDropped(log, Capabilities.Read("CapEff").ToString("x"), why);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            // Not worth refusing to run for: the daemon works with more than it needs.
            Log.CapabilitiesNotDropped(log, e.Message);
        }
    }

    private static IEnumerable<ScriptCommand> Commands(KeepalivedConfig config)
    {
        static IEnumerable<ScriptCommand?> All(NotifyScripts n) => [n.Master, n.Backup, n.Fault, n.Stop, n.Any];
        IEnumerable<ScriptCommand?> commands = config.Scripts.Select(s => (ScriptCommand?)s.Command)
            .Concat(config.Instances.SelectMany(i => All(i.Notify)))
            .Concat(config.SyncGroups.SelectMany(g => All(g.Notify)))
            .Append(config.Global.NotifyFifoScript)
            .Append(config.Global.VrrpNotifyFifoScript);
        return commands.OfType<ScriptCommand>();
    }
}
