using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

// The configuration as vrrpd runs it: every keepalived default filled in, every name resolved,
// every keepalived fix-up applied. Records compare by value (lists through EquatableArray,
// locations never), so on a reload an instance that compares equal did not change.

/// <summary>
/// A whole configuration (the VRRP part of keepalived.conf): what <c>vrrpd -t</c> checks and the
/// daemon runs. Every keepalived default is filled in, every name resolved and every keepalived
/// correction applied. Records compare by value (lists item by item, <see cref="SourceLocation"/>s
/// never), so an instance that compares equal after a reload did not change.
/// </summary>
public sealed record KeepalivedConfig
{
    /// <summary>The <c>global_defs</c> settings (keepalived's defaults when there is no such block).</summary>
    public required GlobalDefs Global { get; init; }

    /// <summary>The <c>vrrp_script</c> blocks, in the order written.</summary>
    public required EquatableArray<VrrpScriptConfig> Scripts { get; init; }

    /// <summary>The <c>vrrp_instance</c> blocks, in the order written.</summary>
    public required EquatableArray<VrrpInstanceConfig> Instances { get; init; }

    /// <summary>The <c>vrrp_sync_group</c> blocks that have members, in the order written.</summary>
    public required EquatableArray<SyncGroupConfig> SyncGroups { get; init; }

    /// <summary>Every file read, main file first.</summary>
    public required EquatableArray<string> Files { get; init; }

    /// <summary>The <c>vrrp_track_process</c> blocks, in the order written.</summary>
    public EquatableArray<TrackProcessConfig> TrackProcesses { get; init; } = EquatableArray<TrackProcessConfig>.Empty;

    /// <summary>The <c>track_file</c> (<c>vrrp_track_file</c>) blocks, in the order written.</summary>
    public EquatableArray<TrackFileConfig> TrackFiles { get; init; } = EquatableArray<TrackFileConfig>.Empty;

    /// <summary>The instance named <paramref name="name"/>, or null.</summary>
    public VrrpInstanceConfig? FindInstance(string name) => Find(Instances, name, static i => i.Name);

    /// <summary>The <c>vrrp_script</c> named <paramref name="name"/>, or null.</summary>
    public VrrpScriptConfig? FindScript(string name) => Find(Scripts, name, static s => s.Name);

    /// <summary>The sync group named <paramref name="name"/>, or null.</summary>
    public SyncGroupConfig? FindSyncGroup(string name) => Find(SyncGroups, name, static g => g.Name);

    /// <summary>The <c>vrrp_track_process</c> named <paramref name="name"/> (the first, as keepalived), or null.</summary>
    public TrackProcessConfig? FindTrackProcess(string name) => Find(TrackProcesses, name, static p => p.Name);

    /// <summary>The <c>track_file</c> named <paramref name="name"/> (the first, as keepalived), or null.</summary>
    public TrackFileConfig? FindTrackFile(string name) => Find(TrackFiles, name, static f => f.Name);

    private static T? Find<T>(EquatableArray<T> items, string name, Func<T, string> key) where T : class
    {
        foreach (T item in items)
        {
            if (key(item) == name)
                return item;
        }
        return null;
    }
}

/// <summary>keepalived's <c>state</c>: where an instance starts.</summary>
public enum InitialState
{
    /// <summary><c>state BACKUP</c>: wait for the Master_Down timer.</summary>
    Backup,

    /// <summary><c>state MASTER</c>: take over at once unless a better Master is heard first.</summary>
    Master,
}

/// <summary>A command line as keepalived splits it, with the user and group it runs as.</summary>
/// <param name="CommandLine">The command as written (quotes removed once), for messages.</param>
/// <param name="Arguments">argv: program first; split like a shell would, without a shell.</param>
/// <param name="User">User to run as; null means the global <c>script_user</c> (or keepalived's default).</param>
/// <param name="Group">Group to run as; null means the user's (or the global <c>script_user</c>'s) group.</param>
public sealed record ScriptCommand(string CommandLine, EquatableArray<string> Arguments, string? User, string? Group)
{
    /// <summary>The command as written.</summary>
    public override string ToString() => CommandLine;
}

/// <summary>A FIFO keepalived writes notification lines to (<c>notify_fifo</c>), with its owner.</summary>
/// <param name="Path">The FIFO's path.</param>
/// <param name="User">Owner to give it; null leaves it to the daemon's user.</param>
/// <param name="Group">Group to give it; null means <paramref name="User"/>'s group.</param>
public sealed record NotifyFifoConfig(string Path, string? User, string? Group);

/// <summary>The notification scripts of an instance or sync group.</summary>
public sealed record NotifyScripts
{
    /// <summary>No script at all.</summary>
    public static NotifyScripts None { get; } = new();

    /// <summary><c>notify_master</c>: run on entering MASTER.</summary>
    public ScriptCommand? Master { get; init; }

    /// <summary><c>notify_backup</c>: run on entering BACKUP.</summary>
    public ScriptCommand? Backup { get; init; }

    /// <summary><c>notify_fault</c>: run on entering FAULT.</summary>
    public ScriptCommand? Fault { get; init; }

    /// <summary><c>notify_stop</c>: run when the instance stops.</summary>
    public ScriptCommand? Stop { get; init; }

    /// <summary><c>notify</c>: run on every change with four arguments appended (INSTANCE|GROUP, name, state, priority).</summary>
    public ScriptCommand? Any { get; init; }

    /// <summary>True when no script is set.</summary>
    public bool IsEmpty => Master is null && Backup is null && Fault is null && Stop is null && Any is null;
}

/// <summary>Gratuitous ARP / unsolicited NA timing (keepalived's garp_* settings).</summary>
public sealed record GarpSettings
{
    /// <summary>Delay before the second burst after becoming master; zero sends no second burst.</summary>
    public TimeSpan MasterDelay { get; init; } = VirtualRouterOptions.DefaultGarpMasterDelay;

    /// <summary>Messages per burst after becoming master.</summary>
    public int MasterRepeat { get; init; } = VirtualRouterOptions.DefaultGarpMasterRepeat;

    /// <summary>Interval of periodic bursts while master; zero means none.</summary>
    public TimeSpan MasterRefresh { get; init; }

    /// <summary>Messages per periodic burst.</summary>
    public int MasterRefreshRepeat { get; init; } = VirtualRouterOptions.DefaultGarpMasterRefreshRepeat;

    /// <summary>Delay of the second burst after a master hears a lower-priority advertisement.</summary>
    public TimeSpan LowerPriorityDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages per burst after a master hears a lower-priority advertisement (0: none).</summary>
    public int LowerPriorityRepeat { get; init; } = 5;
}

/// <summary>The <c>global_defs</c> block, defaults as keepalived 2.2.7's.</summary>
public sealed record GlobalDefs
{
    /// <summary><c>router_id</c>: the name keepalived gives this machine; null when unset.</summary>
    public string? RouterId { get; init; }

    /// <summary><c>vrrp_version</c>: the version of IPv4 instances that do not set one.</summary>
    public VrrpVersion DefaultVersion { get; init; } = VrrpVersion.V2;

    /// <summary><c>script_user USER [GROUP]</c>; null means keepalived's default (keepalived_script if it exists, else root).</summary>
    public string? ScriptUser { get; init; }

    /// <summary>The group of <c>script_user</c>; null means the user's.</summary>
    public string? ScriptGroup { get; init; }

    /// <summary><c>enable_script_security</c>: refuse scripts a non-root user could change, and run none as root unless asked.</summary>
    public bool EnableScriptSecurity { get; init; }

    /// <summary><c>notify_fifo</c>: receives VRRP (and, in keepalived, checker) events.</summary>
    public NotifyFifoConfig? NotifyFifo { get; init; }

    /// <summary><c>notify_fifo_script</c>: the script that reads <see cref="NotifyFifo"/>.</summary>
    public ScriptCommand? NotifyFifoScript { get; init; }

    /// <summary><c>vrrp_notify_fifo</c>: receives VRRP events only.</summary>
    public NotifyFifoConfig? VrrpNotifyFifo { get; init; }

    /// <summary><c>vrrp_notify_fifo_script</c>: the script that reads <see cref="VrrpNotifyFifo"/>.</summary>
    public ScriptCommand? VrrpNotifyFifoScript { get; init; }

    /// <summary><c>vrrp_notify_priority_changes</c>: default for instances' <c>notify_priority_changes</c>.</summary>
    public bool NotifyPriorityChanges { get; init; }

    /// <summary><c>fifo_write_vrrp_states_on_reload</c>.</summary>
    public bool FifoWriteStatesOnReload { get; init; }

    /// <summary>Defaults for the instances' garp_* settings (<c>vrrp_garp_*</c>, <c>vrrp_min_garp</c>).</summary>
    public GarpSettings Garp { get; init; } = new();

    /// <summary><c>vrrp_garp_interval</c>: delay between gratuitous ARPs on one interface.</summary>
    public TimeSpan GarpInterval { get; init; }

    /// <summary><c>vrrp_gna_interval</c>: delay between unsolicited NAs on one interface.</summary>
    public TimeSpan GnaInterval { get; init; }

    /// <summary><c>vrrp_lower_prio_no_advert</c>: the default of the instances' <c>lower_prio_no_advert</c>.</summary>
    public bool LowerPriorityNoAdvert { get; init; }

    /// <summary><c>vrrp_higher_prio_send_advert</c>: the default of the instances' <c>higher_prio_send_advert</c>.</summary>
    public bool HigherPrioritySendAdvert { get; init; }

    /// <summary><c>vrrp_down_timer_adverts</c>: Master_Down_Interval in advertisement intervals (RFC: 3).</summary>
    public int DownTimerAdverts { get; init; } = VirtualRouterOptions.DefaultDownTimerAdverts;

    /// <summary><c>vrrp_skip_check_adv_addr</c>: the default of the instances' <c>skip_check_adv_addr</c>.</summary>
    public bool SkipCheckAdvertAddresses { get; init; }

    /// <summary><c>vrrp_strict</c>: the default of the instances' <c>strict_mode</c>.</summary>
    public bool Strict { get; init; }

    /// <summary><c>vrrp_check_unicast_src</c>: the default of the instances' <c>check_unicast_src</c>.</summary>
    public bool CheckUnicastSource { get; init; }

    /// <summary><c>vrrp_startup_delay</c>: wait before the instances start.</summary>
    public TimeSpan StartupDelay { get; init; }

    /// <summary><c>vmac_prefix</c>: prefix of generated VMAC interface names.</summary>
    public string VmacPrefix { get; init; } = "vrrp";

    /// <summary><c>dynamic_interfaces</c>: interfaces may be missing at startup.</summary>
    public bool DynamicInterfaces { get; init; }

    /// <summary>
    /// vrrpd's <c>vrrpd_process_events_host_namespace</c>: outside the initial network namespace,
    /// read process events from the namespace of PID 1 (or an ancestor), which needs
    /// CAP_SYS_ADMIN; off, vrrpd there counts no process, as keepalived does.
    /// </summary>
    public bool ProcessEventsFromHostNamespace { get; init; }
}

/// <summary>A <c>vrrp_script</c> track script.</summary>
public sealed record VrrpScriptConfig
{
    /// <summary>The script's name, as <c>track_script</c> entries refer to it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the block starts.</summary>
    public SourceLocation Location { get; init; }

    /// <summary><c>script</c>: the command to run.</summary>
    public required ScriptCommand Command { get; init; }

    /// <summary><c>interval</c>: time between runs.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>When a run counts as failed and is killed: <c>timeout</c>, or the interval when unset (as keepalived).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Priority change (-253..253); 0 means a failed script puts its instances in FAULT.</summary>
    public int Weight { get; init; }

    /// <summary><c>weight N reverse</c>: the adjustment applies in the other direction.</summary>
    public bool WeightReverse { get; init; }

    /// <summary>Successes needed to become OK.</summary>
    public int Rise { get; init; } = 1;

    /// <summary>Failures needed to become failed.</summary>
    public int Fall { get; init; } = 1;

    /// <summary><c>init_fail</c>: the script starts in the failed state.</summary>
    public bool InitFail { get; init; }
}

/// <summary>An interface an instance or group watches (<c>track_interface</c>).</summary>
/// <param name="Interface">The interface name.</param>
/// <param name="Weight">0: link down means FAULT; otherwise the priority change.</param>
/// <param name="Reverse"><c>reverse</c>: up and down swap.</param>
public sealed record TrackedInterfaceConfig(string Interface, int Weight, bool Reverse);

/// <summary>A track script an instance or group watches, its weight resolved (the script's own unless given).</summary>
/// <param name="Script">The <c>vrrp_script</c> name.</param>
/// <param name="Weight">0: failure means FAULT; otherwise the priority change.</param>
/// <param name="Reverse"><c>reverse</c>: success and failure swap.</param>
public sealed record TrackedScriptConfig(string Script, int Weight, bool Reverse);

/// <summary>IPv4 address scope (<c>scope</c> of a virtual address), as the kernel numbers them.</summary>
public enum AddressScope : byte
{
    /// <summary><c>scope global</c> (the default).</summary>
    Global = 0,

    /// <summary><c>scope site</c>.</summary>
    Site = 200,

    /// <summary><c>scope link</c>.</summary>
    Link = 253,

    /// <summary><c>scope host</c>.</summary>
    Host = 254,

    /// <summary><c>scope nowhere</c>.</summary>
    Nowhere = 255,
}

/// <summary>IPv6 address flags a virtual address may ask for (IFA_F_* values).</summary>
[Flags]
public enum AddressFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>nodad</c>: no duplicate address detection (IFA_F_NODAD).</summary>
    NoDad = 0x02,

    /// <summary><c>home</c>: Mobile IPv6 home address (IFA_F_HOMEADDRESS).</summary>
    HomeAddress = 0x10,

    /// <summary><c>mngtmpaddr</c>: manage temporary addresses from this prefix (IFA_F_MANAGETEMPADDR).</summary>
    ManageTempAddress = 0x100,

    /// <summary><c>noprefixroute</c>: add no prefix route (IFA_F_NOPREFIXROUTE).</summary>
    NoPrefixRoute = 0x200,

    /// <summary><c>autojoin</c>: join the multicast group (IFA_F_MCAUTOJOIN).</summary>
    McAutoJoin = 0x400,
}

/// <summary>One entry of <c>virtual_ipaddress</c> or <c>virtual_ipaddress_excluded</c>.</summary>
public sealed record VirtualAddressConfig
{
    /// <summary>The address.</summary>
    public required IpAddr Address { get; init; }

    /// <summary>Prefix length; /32 or /128 when not written.</summary>
    public required byte PrefixLength { get; init; }

    /// <summary><c>dev</c>: the interface; null means the instance's interface.</summary>
    public string? Device { get; init; }

    /// <summary><c>label</c>: the IPv4 address label; null for none.</summary>
    public string? Label { get; init; }

    /// <summary><c>scope</c>.</summary>
    public AddressScope Scope { get; init; } = AddressScope.Global;

    /// <summary><c>brd</c>: IPv4 broadcast address (<c>+</c> and <c>-</c> already worked out).</summary>
    public IpAddr? Broadcast { get; init; }

    /// <summary>IPv6 flags (<c>nodad</c>, <c>home</c>, ...).</summary>
    public AddressFlags Flags { get; init; }

    /// <summary>The entry as <c>ADDRESS/PREFIX [dev IFNAME] [label LABEL]</c>.</summary>
    public override string ToString() =>
        $"{Address}/{PrefixLength}{(Device is null ? "" : " dev " + Device)}{(Label is null ? "" : " label " + Label)}";
}

/// <summary>A <c>vrrp_instance</c>: one virtual router.</summary>
public sealed record VrrpInstanceConfig
{
    /// <summary>The instance name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the block starts.</summary>
    public SourceLocation Location { get; init; }

    /// <summary><c>state</c>; when unset, MASTER for the address owner, BACKUP otherwise (keepalived).</summary>
    public InitialState InitialState { get; init; }

    /// <summary>The interface; null only for a unicast instance with <c>unicast_src_ip</c>.</summary>
    public string? Interface { get; init; }

    /// <summary><c>virtual_router_id</c>, 1..255.</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>1..255; 255 is the address owner. Unset: 255 with <c>state MASTER</c>, else <see cref="VirtualRouterOptions.DefaultPriority"/> (keepalived).</summary>
    public byte Priority { get; init; } = VirtualRouterOptions.DefaultPriority;

    /// <summary><c>version</c>; unset, the global <c>vrrp_version</c> (VRRPv2) for IPv4 and VRRPv3 for IPv6.</summary>
    public VrrpVersion Version { get; init; } = VrrpVersion.V2;

    /// <summary>The family of the advertised addresses.</summary>
    public IpFamily Family { get; init; } = IpFamily.IPv4;

    /// <summary>Advertisement interval in centiseconds, rounded as keepalived does (whole seconds for VRRPv2).</summary>
    public int AdvertIntervalCentiseconds { get; init; } = VirtualRouterOptions.DefaultAdvertIntervalCentiseconds;

    /// <summary><see cref="AdvertIntervalCentiseconds"/> as a time span.</summary>
    public TimeSpan AdvertInterval => TimeSpan.FromMilliseconds(AdvertIntervalCentiseconds * 10);

    /// <summary>Preempt_Mode: false for <c>nopreempt</c>, as corrected by <see cref="VirtualRouterOptions.Normalize"/>.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary><c>preempt_delay</c>, as corrected by <see cref="VirtualRouterOptions.Normalize"/> (and zero in strict mode).</summary>
    public TimeSpan PreemptDelay { get; init; }

    /// <summary>The garp_* settings, the global defaults filled in.</summary>
    public GarpSettings Garp { get; init; } = new();

    /// <summary>A master ignores (sends no advertisement for) a lower-priority advertisement (RFC behaviour).</summary>
    public bool LowerPriorityNoAdvert { get; init; }

    /// <summary>A master sends one advertisement before yielding to a higher priority.</summary>
    public bool HigherPrioritySendAdvert { get; init; }

    /// <summary>Master_Down_Interval in advertisement intervals (plus Skew_Time); the RFC's value is 3.</summary>
    public int DownTimerAdverts { get; init; } = VirtualRouterOptions.DefaultDownTimerAdverts;

    /// <summary>Advertised addresses, all of <see cref="Family"/>.</summary>
    public EquatableArray<VirtualAddressConfig> VirtualAddresses { get; init; } = EquatableArray<VirtualAddressConfig>.Empty;

    /// <summary>Addresses added and removed with the state but not advertised (any family).</summary>
    public EquatableArray<VirtualAddressConfig> ExcludedAddresses { get; init; } = EquatableArray<VirtualAddressConfig>.Empty;

    /// <summary><c>track_interface</c> entries (the sync group's are added by <see cref="InstanceOptions.Trackers"/>).</summary>
    public EquatableArray<TrackedInterfaceConfig> TrackInterfaces { get; init; } = EquatableArray<TrackedInterfaceConfig>.Empty;

    /// <summary><c>track_script</c> entries (the sync group's are added by <see cref="InstanceOptions.Trackers"/>).</summary>
    public EquatableArray<TrackedScriptConfig> TrackScripts { get; init; } = EquatableArray<TrackedScriptConfig>.Empty;

    /// <summary><c>track_process</c> entries (the sync group's are added by <see cref="InstanceOptions.Trackers"/>).</summary>
    public EquatableArray<TrackedProcessConfig> TrackProcesses { get; init; } = EquatableArray<TrackedProcessConfig>.Empty;

    /// <summary><c>track_file</c> entries (the sync group's are added by <see cref="InstanceOptions.Trackers"/>).</summary>
    public EquatableArray<TrackedFileConfig> TrackFiles { get; init; } = EquatableArray<TrackedFileConfig>.Empty;

    /// <summary><c>unicast_src_ip</c> / <c>mcast_src_ip</c>: source of advertisements; null means the interface's address.</summary>
    public IpAddr? SourceAddress { get; init; }

    /// <summary>Unicast peers; empty means multicast.</summary>
    public EquatableArray<IpAddr> UnicastPeers { get; init; } = EquatableArray<IpAddr>.Empty;

    /// <summary>True when advertisements go to <see cref="UnicastPeers"/>.</summary>
    public bool IsUnicast => !UnicastPeers.IsEmpty;

    /// <summary>Accept unicast advertisements only from the configured peers.</summary>
    public bool CheckUnicastSource { get; init; }

    /// <summary><c>use_vmac</c>: the addresses go on a macvlan interface with the virtual MAC (RFC 5798 7.3).</summary>
    public bool UseVmac { get; init; }

    /// <summary>VMAC interface name; null means generated from the VMAC prefix and VRID.</summary>
    public string? VmacName { get; init; }

    /// <summary>Send and receive advertisements on the base interface, not the VMAC.</summary>
    public bool VmacXmitBase { get; init; }

    /// <summary>VRRPv2 simple password (<c>auth_type PASS</c>), at most 8 characters; null means none.</summary>
    public string? AuthPassword { get; init; }

    /// <summary>Accept_Mode (RFC 5798 6.1): a non-owner master accepts packets for the virtual addresses.</summary>
    public bool Accept { get; init; } = true;

    /// <summary><c>dont_track_primary</c>: the instance's own interface going down does not cause FAULT.</summary>
    public bool DontTrackPrimary { get; init; }

    /// <summary>
    /// keepalived's <c>skip_check_adv_addr</c>, read for compatibility: vrrpd accepts a VRRPv3
    /// list that differs anyway unless <see cref="StrictAddressCheck"/>, so it changes nothing.
    /// </summary>
    public bool SkipCheckAdvertAddresses { get; init; }

    /// <summary>
    /// <c>strict_address_check</c>: drop a VRRPv3 advertisement whose address list differs from
    /// ours, as keepalived does by default. Off by default: RFC 5798 7.1 only says MAY verify,
    /// and accepting (logged and counted) keeps one Master with a misconfigured peer.
    /// </summary>
    public bool StrictAddressCheck { get; init; }

    /// <summary><c>strict_mode</c> (or the global <c>vrrp_strict</c>): keepalived's strict RFC compliance.</summary>
    public bool StrictMode { get; init; }

    /// <summary>VRRPv3 over IPv4 checksum to send: with the pseudo-header (RFC 5798) unless <c>v3_checksum_as_v2</c>.</summary>
    public ChecksumConvention V3Checksum { get; init; } = ChecksumConvention.PseudoHeader;

    /// <summary><c>notify_priority_changes</c>: notify on changes of the effective priority too.</summary>
    public bool NotifyPriorityChanges { get; init; }

    /// <summary>The notification scripts.</summary>
    public NotifyScripts Notify { get; init; } = NotifyScripts.None;

    /// <summary>The sync group this instance belongs to, if any.</summary>
    public string? SyncGroup { get; init; }

    /// <summary><c>virtual_routes</c>: installed after the addresses while Master.</summary>
    public EquatableArray<VirtualRouteConfig> VirtualRoutes { get; init; } = EquatableArray<VirtualRouteConfig>.Empty;

    /// <summary><c>virtual_rules</c>: installed after the routes while Master.</summary>
    public EquatableArray<VirtualRuleConfig> VirtualRules { get; init; } = EquatableArray<VirtualRuleConfig>.Empty;
}

/// <summary>A <c>vrrp_sync_group</c>: instances that change state together.</summary>
public sealed record SyncGroupConfig
{
    /// <summary>The group's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the block starts.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Member instance names, in the order written.</summary>
    public required EquatableArray<string> Members { get; init; }

    /// <summary><c>track_interface</c> entries, applied to every member.</summary>
    public EquatableArray<TrackedInterfaceConfig> TrackInterfaces { get; init; } = EquatableArray<TrackedInterfaceConfig>.Empty;

    /// <summary><c>track_script</c> entries, applied to every member.</summary>
    public EquatableArray<TrackedScriptConfig> TrackScripts { get; init; } = EquatableArray<TrackedScriptConfig>.Empty;

    /// <summary><c>track_process</c> entries, applied to every member with their weights.</summary>
    public EquatableArray<TrackedProcessConfig> TrackProcesses { get; init; } = EquatableArray<TrackedProcessConfig>.Empty;

    /// <summary><c>track_file</c> entries, applied to every member with their weights.</summary>
    public EquatableArray<TrackedFileConfig> TrackFiles { get; init; } = EquatableArray<TrackedFileConfig>.Empty;

    /// <summary>The group's notification scripts.</summary>
    public NotifyScripts Notify { get; init; } = NotifyScripts.None;

    /// <summary><c>sync_group_tracking_weight</c> (or the deprecated <c>global_tracking</c>): members keep their tracking weights.</summary>
    public bool TrackingWeight { get; init; }

    /// <summary><c>notify_priority_changes</c> for the group's notifications.</summary>
    public bool NotifyPriorityChanges { get; init; }
}
