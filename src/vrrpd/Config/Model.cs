using Vrrp.Core.Wire;

namespace Vrrpd.Config;

// The configuration as vrrpd runs it: every keepalived default filled in, every name resolved,
// every keepalived fix-up applied. Records compare by value (lists through EquatableArray,
// locations never), so on a reload an instance that compares equal did not change.

/// <summary>A whole configuration: what <c>vrrpd -t</c> checks and the daemon runs.</summary>
internal sealed record KeepalivedConfig
{
    public required GlobalDefs Global { get; init; }

    public required EquatableArray<VrrpScriptConfig> Scripts { get; init; }

    public required EquatableArray<VrrpInstanceConfig> Instances { get; init; }

    public required EquatableArray<SyncGroupConfig> SyncGroups { get; init; }

    /// <summary>Every file read, main file first.</summary>
    public required EquatableArray<string> Files { get; init; }

    public VrrpInstanceConfig? FindInstance(string name) => Find(Instances, name, static i => i.Name);

    public VrrpScriptConfig? FindScript(string name) => Find(Scripts, name, static s => s.Name);

    public SyncGroupConfig? FindSyncGroup(string name) => Find(SyncGroups, name, static g => g.Name);

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

internal enum InitialState
{
    Backup,
    Master,
}

/// <summary>A command line as keepalived splits it, with the user and group it runs as.</summary>
/// <param name="CommandLine">The command as written (quotes removed once), for messages.</param>
/// <param name="Arguments">argv: program first; split like a shell would, without a shell.</param>
/// <param name="User">User to run as; null means the global <c>script_user</c> (or keepalived's default).</param>
internal sealed record ScriptCommand(string CommandLine, EquatableArray<string> Arguments, string? User, string? Group)
{
    public override string ToString() => CommandLine;
}

/// <summary>A FIFO keepalived writes notification lines to (<c>notify_fifo</c>), with its owner.</summary>
internal sealed record NotifyFifoConfig(string Path, string? User, string? Group);

/// <summary>The notification scripts of an instance or sync group.</summary>
internal sealed record NotifyScripts
{
    public static NotifyScripts None { get; } = new();

    public ScriptCommand? Master { get; init; }

    public ScriptCommand? Backup { get; init; }

    public ScriptCommand? Fault { get; init; }

    public ScriptCommand? Stop { get; init; }

    /// <summary><c>notify</c>: run on every change with four arguments appended (INSTANCE|GROUP, name, state, priority).</summary>
    public ScriptCommand? Any { get; init; }

    public bool IsEmpty => Master is null && Backup is null && Fault is null && Stop is null && Any is null;
}

/// <summary>Gratuitous ARP / unsolicited NA timing (keepalived's garp_* settings).</summary>
internal sealed record GarpSettings
{
    /// <summary>Delay before the second burst after becoming master; zero sends no second burst.</summary>
    public TimeSpan MasterDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages per burst after becoming master.</summary>
    public int MasterRepeat { get; init; } = 5;

    /// <summary>Interval of periodic bursts while master; zero means none.</summary>
    public TimeSpan MasterRefresh { get; init; }

    public int MasterRefreshRepeat { get; init; } = 1;

    /// <summary>Delay of the second burst after a master hears a lower-priority advertisement.</summary>
    public TimeSpan LowerPriorityDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages per burst after a master hears a lower-priority advertisement (0: none).</summary>
    public int LowerPriorityRepeat { get; init; } = 5;
}

/// <summary>The <c>global_defs</c> block, defaults as keepalived 2.2.7's.</summary>
internal sealed record GlobalDefs
{
    public string? RouterId { get; init; }

    /// <summary><c>vrrp_version</c>: the version of IPv4 instances that do not set one.</summary>
    public VrrpVersion DefaultVersion { get; init; } = VrrpVersion.V2;

    /// <summary><c>script_user USER [GROUP]</c>; null means keepalived's default (keepalived_script if it exists, else root).</summary>
    public string? ScriptUser { get; init; }

    public string? ScriptGroup { get; init; }

    public bool EnableScriptSecurity { get; init; }

    /// <summary><c>notify_fifo</c>: receives VRRP (and, in keepalived, checker) events.</summary>
    public NotifyFifoConfig? NotifyFifo { get; init; }

    public ScriptCommand? NotifyFifoScript { get; init; }

    /// <summary><c>vrrp_notify_fifo</c>: receives VRRP events only.</summary>
    public NotifyFifoConfig? VrrpNotifyFifo { get; init; }

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

    public bool LowerPriorityNoAdvert { get; init; }

    public bool HigherPrioritySendAdvert { get; init; }

    /// <summary><c>vrrp_down_timer_adverts</c>: Master_Down_Interval in advertisement intervals (RFC: 3).</summary>
    public int DownTimerAdverts { get; init; } = 3;

    /// <summary><c>vrrp_skip_check_adv_addr</c>: the default of the instances' <c>skip_check_adv_addr</c>.</summary>
    public bool SkipCheckAdvertAddresses { get; init; }

    /// <summary><c>vrrp_strict</c>: the default of the instances' <c>strict_mode</c>.</summary>
    public bool Strict { get; init; }

    public bool CheckUnicastSource { get; init; }

    /// <summary><c>vrrp_startup_delay</c>: wait before the instances start.</summary>
    public TimeSpan StartupDelay { get; init; }

    /// <summary><c>vmac_prefix</c>: prefix of generated VMAC interface names.</summary>
    public string VmacPrefix { get; init; } = "vrrp";

    /// <summary><c>dynamic_interfaces</c>: interfaces may be missing at startup.</summary>
    public bool DynamicInterfaces { get; init; }
}

/// <summary>A <c>vrrp_script</c> track script.</summary>
internal sealed record VrrpScriptConfig
{
    public required string Name { get; init; }

    public SourceLocation Location { get; init; }

    public required ScriptCommand Command { get; init; }

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
/// <param name="Weight">0: link down means FAULT; otherwise the priority change.</param>
internal sealed record TrackedInterfaceConfig(string Interface, int Weight, bool Reverse);

/// <summary>A track script an instance or group watches, its weight resolved (the script's own unless given).</summary>
internal sealed record TrackedScriptConfig(string Script, int Weight, bool Reverse);

/// <summary>IPv4 address scope (<c>scope</c> of a virtual address), as the kernel numbers them.</summary>
internal enum AddressScope : byte
{
    Global = 0,
    Site = 200,
    Link = 253,
    Host = 254,
    Nowhere = 255,
}

/// <summary>IPv6 address flags a virtual address may ask for (IFA_F_* values).</summary>
[Flags]
internal enum AddressFlags
{
    None = 0,
    NoDad = 0x02,
    HomeAddress = 0x10,
    ManageTempAddress = 0x100,
    NoPrefixRoute = 0x200,
    McAutoJoin = 0x400,
}

/// <summary>One entry of <c>virtual_ipaddress</c> or <c>virtual_ipaddress_excluded</c>.</summary>
internal sealed record VirtualAddressConfig
{
    public required IpAddr Address { get; init; }

    /// <summary>Prefix length; /32 or /128 when not written.</summary>
    public required byte PrefixLength { get; init; }

    /// <summary><c>dev</c>: the interface; null means the instance's interface.</summary>
    public string? Device { get; init; }

    public string? Label { get; init; }

    public AddressScope Scope { get; init; } = AddressScope.Global;

    /// <summary><c>brd</c>: IPv4 broadcast address (<c>+</c> and <c>-</c> already worked out).</summary>
    public IpAddr? Broadcast { get; init; }

    public AddressFlags Flags { get; init; }

    public override string ToString() =>
        $"{Address}/{PrefixLength}{(Device is null ? "" : " dev " + Device)}{(Label is null ? "" : " label " + Label)}";
}

/// <summary>A <c>vrrp_instance</c>: one virtual router.</summary>
internal sealed record VrrpInstanceConfig
{
    public required string Name { get; init; }

    public SourceLocation Location { get; init; }

    public InitialState InitialState { get; init; }

    /// <summary>The interface; null only for a unicast instance with <c>unicast_src_ip</c>.</summary>
    public string? Interface { get; init; }

    public required byte VirtualRouterId { get; init; }

    /// <summary>1..255; 255 is the address owner.</summary>
    public byte Priority { get; init; } = 100;

    public VrrpVersion Version { get; init; } = VrrpVersion.V2;

    public IpFamily Family { get; init; } = IpFamily.IPv4;

    /// <summary>Advertisement interval in centiseconds, rounded as keepalived does (whole seconds for VRRPv2).</summary>
    public int AdvertIntervalCentiseconds { get; init; } = 100;

    public TimeSpan AdvertInterval => TimeSpan.FromMilliseconds(AdvertIntervalCentiseconds * 10);

    public bool Preempt { get; init; } = true;

    public TimeSpan PreemptDelay { get; init; }

    public GarpSettings Garp { get; init; } = new();

    /// <summary>A master ignores (sends no advertisement for) a lower-priority advertisement (RFC behaviour).</summary>
    public bool LowerPriorityNoAdvert { get; init; }

    /// <summary>A master sends one advertisement before yielding to a higher priority.</summary>
    public bool HigherPrioritySendAdvert { get; init; }

    /// <summary>Master_Down_Interval in advertisement intervals (plus Skew_Time); the RFC's value is 3.</summary>
    public int DownTimerAdverts { get; init; } = 3;

    /// <summary>Advertised addresses, all of <see cref="Family"/>.</summary>
    public EquatableArray<VirtualAddressConfig> VirtualAddresses { get; init; } = EquatableArray<VirtualAddressConfig>.Empty;

    /// <summary>Addresses added and removed with the state but not advertised (any family).</summary>
    public EquatableArray<VirtualAddressConfig> ExcludedAddresses { get; init; } = EquatableArray<VirtualAddressConfig>.Empty;

    public EquatableArray<TrackedInterfaceConfig> TrackInterfaces { get; init; } = EquatableArray<TrackedInterfaceConfig>.Empty;

    public EquatableArray<TrackedScriptConfig> TrackScripts { get; init; } = EquatableArray<TrackedScriptConfig>.Empty;

    /// <summary><c>unicast_src_ip</c> / <c>mcast_src_ip</c>: source of advertisements; null means the interface's address.</summary>
    public IpAddr? SourceAddress { get; init; }

    /// <summary>Unicast peers; empty means multicast.</summary>
    public EquatableArray<IpAddr> UnicastPeers { get; init; } = EquatableArray<IpAddr>.Empty;

    public bool IsUnicast => !UnicastPeers.IsEmpty;

    /// <summary>Accept unicast advertisements only from the configured peers.</summary>
    public bool CheckUnicastSource { get; init; }

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

    public bool StrictMode { get; init; }

    /// <summary>VRRPv3 over IPv4 checksum to send: with the pseudo-header (RFC 5798) unless <c>v3_checksum_as_v2</c>.</summary>
    public ChecksumConvention V3Checksum { get; init; } = ChecksumConvention.PseudoHeader;

    public bool NotifyPriorityChanges { get; init; }

    public NotifyScripts Notify { get; init; } = NotifyScripts.None;

    /// <summary>The sync group this instance belongs to, if any.</summary>
    public string? SyncGroup { get; init; }

    public bool IsAddressOwner => Priority == 255;
}

/// <summary>A <c>vrrp_sync_group</c>: instances that change state together.</summary>
internal sealed record SyncGroupConfig
{
    public required string Name { get; init; }

    public SourceLocation Location { get; init; }

    /// <summary>Member instance names, in the order written.</summary>
    public required EquatableArray<string> Members { get; init; }

    public EquatableArray<TrackedInterfaceConfig> TrackInterfaces { get; init; } = EquatableArray<TrackedInterfaceConfig>.Empty;

    public EquatableArray<TrackedScriptConfig> TrackScripts { get; init; } = EquatableArray<TrackedScriptConfig>.Empty;

    public NotifyScripts Notify { get; init; } = NotifyScripts.None;

    /// <summary><c>sync_group_tracking_weight</c> (or the deprecated <c>global_tracking</c>): members keep their tracking weights.</summary>
    public bool TrackingWeight { get; init; }

    public bool NotifyPriorityChanges { get; init; }
}
