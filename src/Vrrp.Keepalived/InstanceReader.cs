using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>The <c>vrrp_instance</c> block: reading (this file) and completion (InstanceCompletion.cs).</summary>
internal static partial class InstanceReader
{
    private const uint TimerMaxSeconds = uint.MaxValue / 1_000_000;

    public sealed class State(ValueReader values, string name, SourceLocation location)
    {
        public ValueReader Values { get; } = values;
        public string Name { get; } = name;
        public SourceLocation Location { get; } = location;
        public Dictionary<string, ConfigNode> Seen = [];

        public InitialState? InitialState;
        public string? Interface;
        public byte? VirtualRouterId;
        public byte? Priority;
        public long? AdvertMicros;
        public VrrpVersion? Version;
        public IpFamily Family;
        public ConfigNode? FamilySetBy;
        public bool NoPreempt;
        public long PreemptDelayMicros;
        public uint? GarpDelay, GarpRepeat, GarpRefresh, GarpRefreshRepeat, GarpLowerPrioDelay, GarpLowerPrioRepeat;
        public bool? LowerPrioNoAdvert, HigherPrioSendAdvert;
        public uint? DownTimerAdverts;
        public List<(VirtualAddressConfig Address, ConfigNode Node)> Vips = [];
        public int VipEntries;
        public List<(VirtualAddressConfig Address, ConfigNode Node)> ExcludedVips = [];
        public List<(TrackedInterfaceConfig Track, ConfigNode Node)> TrackInterfaces = [];
        public List<TrackingReader.ScriptReference> TrackScripts = [];
        public List<ConfigNode> TrackProcesses = [], TrackFiles = [];
        public IpAddr? SourceAddress;
        public bool UnicastConfigured;
        public List<(IpAddr Peer, ConfigNode Node)> Peers = [];
        public bool CheckUnicastSource;
        public bool UseVmac;
        public string? VmacName;
        public bool VmacXmitBase;
        public string? AuthType;
        public string? AuthPassword;
        public ConfigNode? AuthNode;
        public bool? Accept;
        public bool DontTrackPrimary;
        public bool? SkipCheckAdvAddr;
        public bool StrictAddressCheck;
        public bool? StrictMode;
        public bool V3ChecksumAsV2;
        public bool? NotifyPriorityChanges;
        public NotifyScripts Notify = NotifyScripts.None;
        public List<(VirtualRouteConfig Route, ConfigNode Node)> Routes = [];
        public List<(VirtualRuleConfig Rule, ConfigNode Node)> Rules = [];

        public SourceLocation At(string keyword) => Seen.TryGetValue(keyword, out ConfigNode? node) ? node.Location : Location;
    }

    public static KeywordTable<State> Table { get; } = BuildTable();

    public static KeywordTable<State> AuthenticationTable { get; } = new KeywordTable<State>("authentication")
        .Add("auth_type", static (s, n) =>
        {
            switch (s.Values.Word(n))
            {
                case "PASS":
                    s.AuthType = "PASS";
                    break;
                case "AH":
                    s.Values.Error(n, "auth_type AH (IPsec authentication header) is not supported by vrrpd; use PASS or none");
                    break;
                case string other:
                    s.Values.Error(n, $"auth_type '{other}': must be PASS or AH");
                    break;
            }
        })
        .Add("auth_pass", static (s, n) =>
        {
            if (s.Values.Word(n) is not string password)
                return;
            if (password.Length > VirtualRouterOptions.MaxPasswordLength)
            {
                s.Values.Warning(n, $"auth_pass is longer than {VirtualRouterOptions.MaxPasswordLength} characters; only the first {VirtualRouterOptions.MaxPasswordLength} are used, as keepalived does");
                password = password[..VirtualRouterOptions.MaxPasswordLength];
            }
            s.AuthPassword = password;
        });

    private static KeywordTable<State> BuildTable()
    {
        var table = new KeywordTable<State>("vrrp_instance")
            .Add("state", static (s, n) =>
            {
                switch (s.Values.Word(n))
                {
                    case "MASTER":
                        s.InitialState = Keepalived.InitialState.Master;
                        break;
                    case "BACKUP" when s.InitialState == Keepalived.InitialState.Master:
                        s.Values.Warning(n, "state BACKUP after state MASTER is ignored, as keepalived does");
                        break;
                    case "BACKUP":
                        s.InitialState = Keepalived.InitialState.Backup;
                        break;
                    case string other:
                        s.Values.Error(n, $"state '{other}': must be MASTER or BACKUP");
                        break;
                }
            }, repeatable: true)
            .Add("interface", static (s, n) =>
            {
                if (s.Values.Word(n) is not string name)
                    return;
                if (name == "lo")
                    s.Values.Error(n, "interface lo: VRRP cannot run on the loopback interface");
                else
                    s.Interface = s.Values.InterfaceName(n, "interface", name) ?? s.Interface;
            })
            .Add("virtual_router_id", static (s, n) => s.VirtualRouterId = (byte?)s.Values.Unsigned(n, 1, 255) ?? s.VirtualRouterId)
            .Add("priority", static (s, n) => s.Priority = (byte?)s.Values.Unsigned(n, 1, 255) ?? s.Priority)
            .Add("advert_int", static (s, n) => s.AdvertMicros = s.Values.Seconds(n, 10_000, 255 * ValueReader.MicrosPerSecond) ?? s.AdvertMicros)
            .Add("version", static (s, n) =>
            {
                if (s.Values.Unsigned(n, 2, 3) is uint version)
                    s.Version = (VrrpVersion)version;
            })
            .Add("native_ipv6", static (s, n) =>
            {
                s.Values.NoArguments(n);
                SetFamily(s, n, IpFamily.IPv6, "native_ipv6");
            })
            .Add("preempt", static (s, n) => { s.Values.NoArguments(n); s.NoPreempt = false; })
            .Add("nopreempt", static (s, n) => { s.Values.NoArguments(n); s.NoPreempt = true; })
            .Add("preempt_delay", static (s, n) => s.PreemptDelayMicros = s.Values.Seconds(n, 0, 1000 * ValueReader.MicrosPerSecond) ?? s.PreemptDelayMicros)
            .Add("garp_master_delay", static (s, n) => s.GarpDelay = s.Values.Unsigned(n, 0, TimerMaxSeconds, " seconds") ?? s.GarpDelay)
            .Add("garp_master_repeat", static (s, n) => s.GarpRepeat = GlobalDefsReader.AtLeastOne(s.Values, n) ?? s.GarpRepeat)
            .Add("garp_master_refresh", static (s, n) => s.GarpRefresh = s.Values.Unsigned(n, 0, TimerMaxSeconds, " seconds") ?? s.GarpRefresh)
            .Add("garp_master_refresh_repeat", static (s, n) => s.GarpRefreshRepeat = GlobalDefsReader.AtLeastOne(s.Values, n) ?? s.GarpRefreshRepeat)
            .Add("garp_lower_prio_delay", static (s, n) => s.GarpLowerPrioDelay = s.Values.Unsigned(n, 0, TimerMaxSeconds, " seconds") ?? s.GarpLowerPrioDelay)
            .Add("garp_lower_prio_repeat", static (s, n) => s.GarpLowerPrioRepeat = s.Values.Unsigned(n, 0, int.MaxValue) ?? s.GarpLowerPrioRepeat)
            .Add("lower_prio_no_advert", static (s, n) => s.LowerPrioNoAdvert = s.Values.OptionalBool(n) ?? s.LowerPrioNoAdvert)
            .Add("higher_prio_send_advert", static (s, n) => s.HigherPrioSendAdvert = s.Values.OptionalBool(n) ?? s.HigherPrioSendAdvert)
            .Add("down_timer_adverts", static (s, n) => s.DownTimerAdverts = s.Values.Unsigned(n, 1, 100) ?? s.DownTimerAdverts)
            .Add("virtual_ipaddress", static (s, n) => ReadAddresses(s, n, s.Vips, advertised: true), BlockUse.Required, repeatable: true)
            .Add("virtual_ipaddress_excluded", static (s, n) => ReadAddresses(s, n, s.ExcludedVips, advertised: false), BlockUse.Required, repeatable: true)
            .Add("track_interface", static (s, n) => s.TrackInterfaces.AddRange(TrackingReader.Interfaces(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("track_script", static (s, n) => s.TrackScripts.AddRange(TrackingReader.Scripts(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("track_process", static (s, n) => s.TrackProcesses.AddRange(BlockReader.Entries(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("track_file", static (s, n) => s.TrackFiles.AddRange(BlockReader.Entries(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("unicast_src_ip", static (s, n) =>
            {
                s.UnicastConfigured = true;
                SetSource(s, n);
            })
            .Add("mcast_src_ip", static (s, n) => SetSource(s, n))
            .Add("unicast_peer", static (s, n) =>
            {
                s.UnicastConfigured = true;
                ReadPeers(s, n);
            }, BlockUse.Required, repeatable: true)
            .Add("check_unicast_src", static (s, n) => { s.Values.NoArguments(n); s.UnicastConfigured = true; s.CheckUnicastSource = true; })
            .Add("use_vmac", static (s, n) => ReadVmac(s, n))
            .Add("vmac_xmit_base", static (s, n) => { s.Values.NoArguments(n); s.VmacXmitBase = true; })
            .Add("authentication", static (s, n) =>
            {
                s.AuthNode = n;
                BlockReader.Apply(n.Children!, AuthenticationTable, s, $"in the authentication block of vrrp_instance {s.Name}", s.Values);
            }, BlockUse.Required)
            .Add("accept", static (s, n) => { s.Values.NoArguments(n); s.Accept = true; })
            .Add("no_accept", static (s, n) => { s.Values.NoArguments(n); s.Accept = false; })
            .Add("dont_track_primary", static (s, n) => { s.Values.NoArguments(n); s.DontTrackPrimary = true; })
            .Add("skip_check_adv_addr", static (s, n) => s.SkipCheckAdvAddr = s.Values.OptionalBool(n) ?? s.SkipCheckAdvAddr)
            .Add("strict_mode", static (s, n) => s.StrictMode = s.Values.OptionalBool(n) ?? s.StrictMode)
            // vrrpd's own keyword (VirtualRouterOptions.StrictAddressCheck): keepalived's default drop.
            .Add("strict_address_check", static (s, n) => s.StrictAddressCheck = s.Values.OptionalBool(n) ?? true)
            .Add("v3_checksum_as_v2", static (s, n) => s.V3ChecksumAsV2 = s.Values.OptionalBool(n) ?? s.V3ChecksumAsV2)
            .Add("notify_priority_changes", static (s, n) => s.NotifyPriorityChanges = s.Values.OptionalBool(n) ?? s.NotifyPriorityChanges)
            .Add("virtual_routes", static (s, n) => RouteReader.Read(s.Values, n, s.Routes), BlockUse.Required, repeatable: true)
            .Add("virtual_rules", static (s, n) => RuleReader.Read(s.Values, n, s.Rules), BlockUse.Required, repeatable: true);
        SyncGroupReader.AddNotifyKeywords(table, static s => s.Values, static s => s.Notify, static (s, notify) => s.Notify = notify);

        table.Ignore("e-mail alerts are not sent", "smtp_alert")
            .Ignore("keepalived does not implement it either", "debug")
            .Ignore("vrrpd watches links through netlink", "linkbeat_use_polling")
            .Ignore("socket buffer tuning is not needed", "kernel_rx_buf_size")
            .Ignore("LVS is not part of vrrpd", "lvs_sync_daemon_interface");
        table.Refuse("only use_vmac is implemented", "use_vmac_addr", "use_ipvlan")
            .Refuse("VRF binding is not implemented", "vrf")
            .Refuse("BFD and source address tracking are not implemented", "track_bfd", "track_src_ip")
            .Refuse("only the standard VRRP multicast groups are used", "mcast_dst_ip")
            .Refuse("unicast TTL settings are not implemented", "unicast_ttl")
            .Refuse("not implemented", "unicast_fault_no_peer", "notify_deleted", "notify_master_rx_lower_pri", "timer_expired_backup", "no_virtual_ipaddress")
            .Refuse("keepalived's pre-1.3.6 VRRPv3 checksum is not implemented; see v3_checksum_as_v2", "old_unicast_checksum")
            .Refuse("periodic GARP on other interfaces is not implemented", "garp_extra_if", "vmac_garp_intvl")
            .Refuse("vrrpd does not change interface sysctls; set net.ipv4.conf.IF.promote_secondaries yourself", "promote_secondaries");
        return table;
    }

    private static void SetFamily(State s, ConfigNode node, IpFamily family, string what)
    {
        if (s.Family == IpFamily.None)
        {
            s.Family = family;
            s.FamilySetBy = node;
        }
        else if (s.Family != family)
        {
            s.Values.Error(node, $"{what} is {Describe(family)} but vrrp_instance {s.Name} is {Describe(s.Family)} " +
                $"(set by '{s.FamilySetBy!.Text}' at {s.FamilySetBy.Location}); use virtual_ipaddress_excluded for addresses of the other family");
        }
    }

    public static string Describe(IpFamily family) => family == IpFamily.IPv6 ? "IPv6" : "IPv4";

    private static void SetSource(State s, ConfigNode node)
    {
        if (s.Values.Address(node) is not IpAddr address)
            return;
        if (address.IsMulticast)
        {
            s.Values.Error(node, $"{node.Keyword} {address}: must be a unicast address");
            return;
        }
        SetFamily(s, node, address.Family, $"{node.Keyword} {address}");
        if (s.Family == address.Family)
            s.SourceAddress = address;
    }

    private static void ReadPeers(State s, ConfigNode block)
    {
        foreach (ConfigNode entry in BlockReader.Entries(block, s.Values))
        {
            if (!ValueReader.TryParseAddress(entry.Keyword, out IpAddr peer))
            {
                s.Values.Error(entry, $"unicast_peer '{entry.Keyword}': not an IPv4 or IPv6 address");
                continue;
            }
            if (entry.ArgumentCount > 0)
            {
                string option = entry.Argument(0);
                s.Values.Error(entry, option is "min_ttl" or "max_ttl"
                    ? $"unicast_peer option '{option}' is not supported by vrrpd"
                    : $"unicast_peer {peer}: unknown option '{option}'");
                continue;
            }
            if (peer.IsMulticast)
            {
                s.Values.Error(entry, $"unicast_peer {peer}: must be a unicast address");
                continue;
            }
            SetFamily(s, entry, peer.Family, $"unicast_peer {peer}");
            if (s.Family != peer.Family)
                continue;
            if (s.Peers.Any(p => p.Peer == peer))
                s.Values.Warning(entry, $"unicast_peer {peer} is listed twice");
            else
                s.Peers.Add((peer, entry));
        }
    }

    // use_vmac [NAME] [name NAME]; a MAC address (has ':') is keepalived's custom VMAC address.
    private static void ReadVmac(State s, ConfigNode node)
    {
        s.UseVmac = true;
        for (int i = 0; i < node.ArgumentCount; i++)
        {
            string word = node.Argument(i);
            if (word.Contains(':'))
            {
                s.Values.Error(node, $"use_vmac with a MAC address ({word}) is not supported by vrrpd; it uses 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID)");
                continue;
            }
            if (word is "netlink_notify_msg" or "group")
            {
                s.Values.Error(node, $"use_vmac option '{word}' is not supported by vrrpd");
                if (word == "group")
                    i++;
                continue;
            }
            if (word == "name" && i + 1 < node.ArgumentCount)
                word = node.Argument(++i);
            if (s.VmacName is not null)
            {
                s.Values.Error(node, $"use_vmac: the interface name is given twice ('{s.VmacName}', '{word}')");
                continue;
            }
            s.VmacName = s.Values.InterfaceName(node, "use_vmac", word);
        }
    }
}
