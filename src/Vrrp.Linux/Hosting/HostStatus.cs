namespace Vrrp.Linux.Hosting;

// The host's state as plain records, copied on the loop thread (the only one that may read
// router state) and read anywhere: vrrpd formats them as text or JSON.

/// <summary>Everything the host can say about itself at one moment.</summary>
/// <param name="StartedAt">When the host was built.</param>
/// <param name="TakenAt">When this snapshot was taken.</param>
/// <param name="Reloads">Configurations applied after the first.</param>
/// <param name="LastReload">When the last one was applied.</param>
/// <param name="Instances">Every router.</param>
/// <param name="Interfaces">Every interface with a packet socket.</param>
/// <param name="Unicast">Every unicast socket.</param>
/// <param name="SyncGroups">Every running sync group.</param>
/// <param name="Runtime">The process as the .NET runtime sees it.</param>
public sealed record HostStatus(
    DateTimeOffset StartedAt,
    DateTimeOffset TakenAt,
    long Reloads,
    DateTimeOffset? LastReload,
    IReadOnlyList<InstanceStatus> Instances,
    IReadOnlyList<InterfaceStatus> Interfaces,
    IReadOnlyList<UnicastStatus> Unicast,
    IReadOnlyList<SyncGroupStatus> SyncGroups,
    RuntimeStatus Runtime);

/// <summary>
/// The process as the runtime sees it, read before the snapshot is built (so a request's own
/// allocations show in the next one): in a steady state the collections and the allocated bytes
/// stand still between two requests, apart from what the previous request allocated.
/// </summary>
/// <param name="Gen0Collections">Generation 0 collections so far.</param>
/// <param name="Gen1Collections">Generation 1 collections so far.</param>
/// <param name="Gen2Collections">Generation 2 collections so far.</param>
/// <param name="AllocatedBytes">Bytes allocated by every thread so far.</param>
/// <param name="LoopIterations">Event loop iterations so far.</param>
public sealed record RuntimeStatus(int Gen0Collections, int Gen1Collections, int Gen2Collections, long AllocatedBytes, long LoopIterations);

/// <summary>One router.</summary>
public sealed record InstanceStatus
{
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its interface, or null for a unicast router without one.</summary>
    public string? Interface { get; init; }
    /// <summary>Virtual Router Identifier.</summary>
    public required byte Vrid { get; init; }
    /// <summary>2 or 3.</summary>
    public required int Version { get; init; }
    /// <summary>IPv4 or IPv6.</summary>
    public required string Family { get; init; }
    /// <summary>Configured priority.</summary>
    public required byte Priority { get; init; }
    /// <summary>Priority after tracker weights.</summary>
    public required byte EffectivePriority { get; init; }
    /// <summary>MASTER, BACKUP, FAULT or INIT.</summary>
    public required string State { get; init; }
    /// <summary>When it entered that state.</summary>
    public required DateTimeOffset Since { get; init; }
    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }
    /// <summary>The current Master's address: ours while Master, null when unknown.</summary>
    public string? Master { get; init; }
    /// <summary>The current Master's priority.</summary>
    public byte MasterPriority { get; init; }
    /// <summary>True while this router is Master.</summary>
    public bool IsMasterSelf { get; init; }
    /// <summary>Our advertisement interval, centiseconds.</summary>
    public required int AdvertIntervalCentiseconds { get; init; }
    /// <summary>The Master's advertisement interval, centiseconds (RFC 5798 6.1).</summary>
    public int MasterAdvertIntervalCentiseconds { get; init; }
    /// <summary>Master_Down_Interval in milliseconds.</summary>
    public double MasterDownIntervalMilliseconds { get; init; }
    /// <summary>Preempt_Mode in effect.</summary>
    public required bool Preempt { get; init; }
    /// <summary>keepalived preempt_delay in effect, seconds.</summary>
    public double PreemptDelaySeconds { get; init; }
    /// <summary>Accept_Mode.</summary>
    public bool Accept { get; init; }
    /// <summary>The address advertisements are sent from.</summary>
    public required string SourceAddress { get; init; }
    /// <summary>The virtual router MAC (RFC 5798 7.3).</summary>
    public required string VirtualMac { get; init; }
    /// <summary>The VMAC interface, or null.</summary>
    public string? Vmac { get; init; }
    /// <summary>The VRRPv3 checksum convention sent, in words.</summary>
    public required string Checksum { get; init; }
    /// <summary>VRRPv2 simple password in use.</summary>
    public required bool Authentication { get; init; }
    /// <summary>Unicast peers, empty for multicast.</summary>
    public IReadOnlyList<string> UnicastPeers { get; init; } = [];
    /// <summary>Advertised addresses as <c>address/prefix [dev X] [label Y]</c>.</summary>
    public required IReadOnlyList<string> Addresses { get; init; }
    /// <summary>Addresses installed but not advertised.</summary>
    public IReadOnlyList<string> ExcludedAddresses { get; init; } = [];
    /// <summary>True while the addresses are on their interfaces.</summary>
    public required bool AddressesInstalled { get; init; }
    /// <summary>Virtual routes as installed while Master (<c>ip route</c> notation, <c>no_track</c> for untracked ones); with the addresses.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];
    /// <summary>Virtual rules as installed while Master (<c>ip rule</c> notation); with the addresses.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];
    /// <summary>Its sync group, or null.</summary>
    public string? SyncGroup { get; init; }
    /// <summary>Its trackers.</summary>
    public IReadOnlyList<TrackerStatus> Trackers { get; init; } = [];
    /// <summary>Its counters.</summary>
    public required RouterCountersStatus Counters { get; init; }
}

/// <summary>One tracker of a router.</summary>
/// <param name="Kind">interface, script, ...</param>
/// <param name="Name">What it tracks.</param>
/// <param name="Weight">Its weight (0: Fault while down).</param>
/// <param name="Reverse">Counts as up while it reports down.</param>
/// <param name="Up">Its state as the router sees it (a value tracker: not in Fault).</param>
/// <param name="Value">A value tracker's value (keepalived's track_file), else null.</param>
public sealed record TrackerStatus(string Kind, string Name, int Weight, bool Reverse, bool Up, long? Value = null);

/// <summary>A router's counters (<see cref="Vrrp.Core.Router.RouterCounters"/>).</summary>
public sealed record RouterCountersStatus
{
    /// <summary>Advertisements sent.</summary>
    public long AdvertisementsSent { get; init; }
    /// <summary>Priority-0 advertisements sent (a Master stopping).</summary>
    public long PriorityZeroSent { get; init; }
    /// <summary>Valid advertisements received.</summary>
    public long AdvertisementsReceived { get; init; }
    /// <summary>Priority-0 advertisements received.</summary>
    public long PriorityZeroReceived { get; init; }
    /// <summary>Lower-priority advertisements a Master discarded.</summary>
    public long LowerPriorityDiscarded { get; init; }
    /// <summary>Lower-priority advertisements a Master answered (RFC 9568 6.4.3).</summary>
    public long LowerPriorityAnswered { get; init; }
    /// <summary>Advertisements whose address list differs from ours.</summary>
    public long AddressListMismatches { get; init; }
    /// <summary>Transitions to Master.</summary>
    public long BecameMaster { get; init; }
    /// <summary>Transitions out of Master.</summary>
    public long ReleasedMaster { get; init; }
    /// <summary>Transitions to Fault.</summary>
    public long EnteredFault { get; init; }
    /// <summary>Takeovers held back by the sync group.</summary>
    public long HeldBySyncGroup { get; init; }
    /// <summary>Every rejection reason with its count (zeros included, so scripts find each key).</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> Rejected { get; init; }
}

/// <summary>One interface with a packet socket.</summary>
public sealed record InterfaceStatus
{
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its ifindex.</summary>
    public required int Index { get; init; }
    /// <summary>Its MAC address.</summary>
    public required string Mac { get; init; }
    /// <summary>Administratively up with carrier.</summary>
    public required bool LinkUp { get; init; }
    /// <summary>Frames the filter passed.</summary>
    public long FramesReceived { get; init; }
    /// <summary>Frames sent.</summary>
    public long FramesSent { get; init; }
    /// <summary>Send failures.</summary>
    public long SendErrors { get; init; }
    /// <summary>Receive failures.</summary>
    public long ReceiveErrors { get; init; }
    /// <summary>Frames the kernel dropped (buffer or ring full).</summary>
    public long KernelDrops { get; init; }
    /// <summary>Valid frames for a VRID no router here serves.</summary>
    public long OtherVirtualRouter { get; init; }
    /// <summary>How frames arrive: "ring" (PACKET_RX_RING), or "socket buffer" (before the ring is ready, or if it failed: <see cref="ReceiveRingError"/>).</summary>
    public required string Receive { get; init; }
    /// <summary>Why the ring could not be set up, or null.</summary>
    public string? ReceiveRingError { get; init; }
    /// <summary>Frames the codec rejected, by reason.</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> ParseErrors { get; init; }
}

/// <summary>One unicast socket (an interface, source and peer list shared by routers).</summary>
public sealed record UnicastStatus
{
    /// <summary>Its interface, or null.</summary>
    public string? Interface { get; init; }
    /// <summary>Source address.</summary>
    public required string Source { get; init; }
    /// <summary>Peers.</summary>
    public required IReadOnlyList<string> Peers { get; init; }
    /// <summary>Packets received from the peers.</summary>
    public long PacketsReceived { get; init; }
    /// <summary>Packets from other sources, dropped.</summary>
    public long UnknownSource { get; init; }
    /// <summary>Packets sent.</summary>
    public long PacketsSent { get; init; }
    /// <summary>Send failures.</summary>
    public long SendErrors { get; init; }
    /// <summary>Valid packets for a VRID no router here serves.</summary>
    public long OtherVirtualRouter { get; init; }
    /// <summary>Packets the codec rejected, by reason.</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> ParseErrors { get; init; }
}

/// <summary>One sync group.</summary>
/// <param name="Name">Its name.</param>
/// <param name="State">MASTER, BACKUP, FAULT or INIT.</param>
/// <param name="Members">Its routers.</param>
public sealed record SyncGroupStatus(string Name, string State, IReadOnlyList<string> Members);
