using System.Globalization;
using System.Text;
using Vrrp.Keepalived;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Dumps;

/// <summary>
/// The data dump (SIGUSR1) in keepalived's <c>keepalived.data</c> layout (section banners,
/// <c> Key = value</c> lines, the same labels) with vrrpd's values. keepalived's lines about
/// things vrrpd does not have (SNMP, LVS, process priorities, file descriptors, ...) are left
/// out; keepalived says the format may change between versions, so it is for people, not parsers.
/// </summary>
internal static class DataDump
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(DumpSource source)
    {
        var w = new StringBuilder(4096);
        Global(w, source.Config.Global);
        w.Append("------< VRRP Topology >------\n");
        foreach (InstanceStatus i in source.Status.Instances)
            Instance(w, i, source);
        if (source.Status.SyncGroups.Count > 0)
        {
            w.Append("------< VRRP Sync groups >------\n");
            foreach (SyncGroupStatus g in source.Status.SyncGroups)
            {
                Line(w, 1, $"VRRP Sync Group = {g.Name}, {g.State}");
                Line(w, 3, "VRRP member instances :");
                foreach (string member in g.Members)
                    Line(w, 5, member);
            }
        }
        Scripts(w, source);
        Interfaces(w, source.Status);
        return w.ToString();
    }

    private static void Global(StringBuilder w, GlobalDefs g)
    {
        w.Append("------< Global definitions >------\n");
        Line(w, 1, "Network namespace = (default)");
        Line(w, 1, $"Router ID = {g.RouterId ?? Environment.MachineName}");
        Line(w, 1, $"Dynamic interfaces = {Bool(g.DynamicInterfaces)}");
        Line(w, 1, $"FIFO write vrrp states on reload = {Bool(g.FifoWriteStatesOnReload)}");
        Line(w, 1, $"VRRP notify priority changes = {Bool(g.NotifyPriorityChanges)}");
        Line(w, 1, "VRRP IPv4 mcast group = 224.0.0.18");
        Line(w, 1, "VRRP IPv6 mcast group = ff02::12");
        Garp(w, 1, g.Garp, "timer");
        Line(w, 1, $"Num adverts before down = {g.DownTimerAdverts}");
        Line(w, 1, $"Send advert after receive lower priority advert = {Bool(!g.LowerPriorityNoAdvert)}");
        Line(w, 1, $"Send advert after receive higher priority advert = {Bool(g.HigherPrioritySendAdvert)}");
        Line(w, 1, $"Gratuitous ARP interval = {KeepalivedText.F(g.GarpInterval.TotalSeconds)}");
        Line(w, 1, $"Gratuitous NA interval = {KeepalivedText.F(g.GnaInterval.TotalSeconds)}");
        Line(w, 1, $"VRRP default protocol version = {(int)g.DefaultVersion}");
        Line(w, 1, $"VRRP check unicast_src = {Bool(g.CheckUnicastSource)}");
        Line(w, 1, $"VRRP skip check advert addresses = {Bool(g.SkipCheckAdvertAddresses)}");
        Line(w, 1, $"VRRP strict mode = {Bool(g.Strict)}");
        Line(w, 1, g.EnableScriptSecurity ? "Script security enabled" : "Script security disabled");
        if (g.ScriptUser is not null)
            Line(w, 1, $"Default script user:group {g.ScriptUser}:{g.ScriptGroup ?? g.ScriptUser}");
    }

    // keepalived calls the periodic refresh "refresh timer" globally and "refresh" per instance.
    private static void Garp(StringBuilder w, int indent, GarpSettings garp, string refreshWord)
    {
        Line(w, indent, $"Gratuitous ARP delay = {KeepalivedText.G(garp.MasterDelay.TotalSeconds)}");
        Line(w, indent, $"Gratuitous ARP repeat = {garp.MasterRepeat}");
        Line(w, indent, $"Gratuitous ARP refresh{(refreshWord.Length > 0 ? " " + refreshWord : "")} = {(long)garp.MasterRefresh.TotalSeconds}");
        Line(w, indent, $"Gratuitous ARP refresh repeat = {garp.MasterRefreshRepeat}");
        Line(w, indent, $"Gratuitous ARP lower priority delay = {(long)garp.LowerPriorityDelay.TotalSeconds}");
        Line(w, indent, $"Gratuitous ARP lower priority repeat = {garp.LowerPriorityRepeat}");
    }

    private static void Instance(StringBuilder w, InstanceStatus i, DumpSource source)
    {
        VrrpInstanceConfig? c = source.Instance(i.Name);
        Line(w, 1, $"VRRP Instance = {i.Name}");
        Line(w, 3, $"VRRP Version = {i.Version}");
        if (i.SyncGroup is not null)
            Line(w, 3, $"Sync group = {i.SyncGroup}");
        if (i.Family == "IPv6")
            Line(w, 3, "Using Native IPv6");
        Line(w, 3, $"State = {i.State}");
        if (i.State == "BACKUP" && i.Master is not null)
        {
            Line(w, 3, $"Master router = {i.Master}");
            Line(w, 3, $"Master priority = {i.MasterPriority}");
            if (i.Version == 3)
                Line(w, 3, $"Master advert int = {i.MasterAdvertIntervalCentiseconds / 100.0:0.00} sec");
        }
        Line(w, 3, "Flags: none");
        Line(w, 3, $"Wantstate = {i.State}");
        Line(w, 3, $"Last transition = {KeepalivedText.F(KeepalivedText.EpochSeconds(i.Since))} ({CTime(i.Since)})");
        Line(w, 3, $"Master down timer = {(long)(i.MasterDownIntervalMilliseconds * 1000)} usecs");
        if (i.Vmac is not null)
        {
            Line(w, 3, $"Use VMAC, i/f name {i.Vmac}");
            Line(w, 5, $"MAC = {i.VirtualMac}");
            Line(w, 3, $"Interface = {i.Vmac}, vmac on {i.Interface}");
        }
        else
        {
            Line(w, 3, i.Interface is null ? "Interface = not configured" : $"Interface = {i.Interface}");
        }
        Line(w, 3, $"Using src_ip = {i.SourceAddress}");
        if (i.UnicastPeers.Count == 0)
            Line(w, 3, $"Multicast address {(i.Family == "IPv6" ? "ff02::12" : "224.0.0.18")}");
        Garp(w, 3, c?.Garp ?? new GarpSettings(), "");
        Line(w, 3, $"Down timer adverts = {c?.DownTimerAdverts ?? 3}");
        Line(w, 3, $"Send advert after receive lower priority advert = {Bool(!(c?.LowerPriorityNoAdvert ?? false))}");
        Line(w, 3, $"Send advert after receive higher priority advert = {Bool(c?.HigherPrioritySendAdvert ?? false)}");
        Line(w, 3, $"Virtual Router ID = {i.Vrid}");
        Line(w, 3, $"Priority = {i.Priority}");
        Line(w, 3, $"Effective priority = {i.EffectivePriority}");
        Line(w, 3, $"Total priority = {i.EffectivePriority}");
        Line(w, 3, i.Version == 3 ? $"Advert interval = {i.AdvertIntervalCentiseconds * 10} milli-sec" : $"Advert interval = {i.AdvertIntervalCentiseconds / 100} sec");
        Line(w, 3, $"Accept = {Enabled(i.Accept)}");
        Line(w, 3, $"Preempt = {Enabled(i.Preempt)}");
        if (i.PreemptDelaySeconds > 0)
            Line(w, 3, $"Preempt delay = {KeepalivedText.G(i.PreemptDelaySeconds)} secs");
        Line(w, 3, "Promote_secondaries = disabled");
        if (c?.AuthPassword is { } password)
        {
            Line(w, 3, "Authentication type = SIMPLE_PASSWORD");
            Line(w, 3, $"Password = {password}");
        }
        else if (i.Version == 2)
        {
            Line(w, 3, "Authentication type = none");
        }
        string? device = KeepalivedText.AddressDevice(i);
        if (c is not null)
        {
            Line(w, 3, $"Virtual IP ({c.VirtualAddresses.Count}):");
            foreach (VirtualAddressConfig a in c.VirtualAddresses)
                Line(w, 5, KeepalivedText.Address(a, device, i.AddressesInstalled));
            if (!c.ExcludedAddresses.IsEmpty)
            {
                Line(w, 3, "Virtual IP Excluded :");
                foreach (VirtualAddressConfig a in c.ExcludedAddresses)
                    Line(w, 5, KeepalivedText.Address(a, device, i.AddressesInstalled));
            }
        }
        if (i.UnicastPeers.Count > 0)
        {
            Line(w, 3, $"Check unicast src : {(c?.CheckUnicastSource == true ? "yes" : "no")}");
            Line(w, 3, "Unicast Peer :");
            foreach (string peer in i.UnicastPeers)
                Line(w, 5, peer);
        }
        Trackers(w, i, "interface", "Tracked interfaces :");
        Trackers(w, i, "script", "Tracked scripts :");
        Line(w, 3, "Using smtp notification = no");
        if (c is not null)
        {
            Notify(w, "Backup", c.Notify.Backup);
            Notify(w, "Master", c.Notify.Master);
            Notify(w, "Fault", c.Notify.Fault);
            Notify(w, "Stop", c.Notify.Stop);
            Notify(w, "Generic", c.Notify.Any);
            Line(w, 3, $"Notify priority changes = {Bool(c.NotifyPriorityChanges)}");
        }
    }

    private static void Trackers(StringBuilder w, InstanceStatus i, string kind, string title)
    {
        TrackerStatus[] trackers = [.. i.Trackers.Where(t => t.Kind == kind)];
        if (trackers.Length == 0)
            return;
        Line(w, 3, title);
        foreach (TrackerStatus t in trackers)
            Line(w, 5, $"{t.Name} weight {t.Weight}{(t.Reverse ? " reverse" : "")}");
    }

    private static void Notify(StringBuilder w, string state, ScriptCommand? command)
    {
        if (command is not null)
            Line(w, 3, $"{state} state transition script = {KeepalivedText.Command(command)}");
    }

    private static void Scripts(StringBuilder w, DumpSource source)
    {
        if (source.Config.Scripts.IsEmpty)
            return;
        w.Append("------< VRRP Scripts >------\n");
        foreach (VrrpScriptConfig s in source.Config.Scripts)
        {
            var users = source.Status.Instances
                .SelectMany(i => i.Trackers.Where(t => t.Kind == "script" && t.Name == s.Name).Select(t => (Instance: i.Name, Tracker: t)))
                .ToList();
            Line(w, 1, $"VRRP Script = {s.Name}");
            Line(w, 3, $"Command = {KeepalivedText.Command(s.Command)}");
            Line(w, 3, $"Interval = {(long)s.Interval.TotalSeconds} sec");
            Line(w, 3, $"Timeout = {(long)s.Timeout.TotalSeconds} sec");
            Line(w, 3, $"Weight = {s.Weight}{(s.WeightReverse ? " reverse" : "")}");
            Line(w, 3, $"Rise = {s.Rise}");
            Line(w, 3, $"Fall = {s.Fall}");
            // A tracker's state is the script's result, before any reverse.
            if (users.Count > 0)
                Line(w, 3, $"Status = {(users[0].Tracker.Up ? "GOOD" : "BAD")}");
            Line(w, 3, "Tracking instances :");
            foreach (var (instance, tracker) in users)
                Line(w, 5, $"{instance}, weight {tracker.Weight}{(tracker.Reverse ? " reverse" : "")}");
        }
    }

    private static void Interfaces(StringBuilder w, HostStatus status)
    {
        w.Append("------< Interfaces >------\n");
        foreach (InterfaceStatus i in status.Interfaces)
        {
            Line(w, 1, $"Name = {i.Name}");
            Line(w, 3, $"index = {i.Index}");
            Line(w, 3, $"MAC = {i.Mac}");
            Line(w, 3, $"State = {(i.LinkUp ? "UP, RUNNING" : "DOWN")}");
            string[] tracking = [.. status.Instances.Where(n => n.Interface == i.Name || n.Vmac == i.Name).Select(n => n.Name)];
            if (tracking.Length > 0)
            {
                Line(w, 3, "Tracking VRRP instances :");
                foreach (string name in tracking)
                    Line(w, 5, $"{name}, weight 0");
            }
        }
    }

    // ctime(3) with microseconds, local time: "Tue Dec  8 03:11:37.104292 2026".
    private static string CTime(DateTimeOffset time)
    {
        DateTime local = time.LocalDateTime;
        return local.ToString("ddd MMM ", Invariant) + local.Day.ToString(Invariant).PadLeft(2) + local.ToString(" HH:mm:ss.ffffff yyyy", Invariant);
    }

    private static void Line(StringBuilder w, int indent, string text) => w.Append(' ', indent).Append(text).Append('\n');

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Enabled(bool value) => value ? "enabled" : "disabled";
}
