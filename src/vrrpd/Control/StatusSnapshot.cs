namespace Vrrpd.Control;

/// <summary>Everything <c>vrrpd status</c> shows, copied on the loop thread; formatted elsewhere.</summary>
internal sealed record StatusSnapshot(
    int ProcessId,
    string ConfigFile,
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
internal sealed record RuntimeStatus(int Gen0Collections, int Gen1Collections, int Gen2Collections, long AllocatedBytes, long LoopIterations);

internal sealed record InstanceStatus
{
    public required string Name { get; init; }
    public string? Interface { get; init; }
    public required byte Vrid { get; init; }
    public required int Version { get; init; }
    public required string Family { get; init; }
    public required byte Priority { get; init; }
    public required byte EffectivePriority { get; init; }
    public required string State { get; init; }
    public required DateTimeOffset Since { get; init; }
    public required string Reason { get; init; }

    /// <summary>The current Master's address: ours while Master, null when unknown.</summary>
    public string? Master { get; init; }
    public byte MasterPriority { get; init; }
    public bool IsMasterSelf { get; init; }
    public required int AdvertIntervalCentiseconds { get; init; }
    public int MasterAdvertIntervalCentiseconds { get; init; }
    public double MasterDownIntervalMilliseconds { get; init; }
    public required bool Preempt { get; init; }
    public double PreemptDelaySeconds { get; init; }
    public bool Accept { get; init; }
    public required string SourceAddress { get; init; }
    public required string VirtualMac { get; init; }
    public string? Vmac { get; init; }
    public required string Checksum { get; init; }
    public required bool Authentication { get; init; }
    public IReadOnlyList<string> UnicastPeers { get; init; } = [];
    public required IReadOnlyList<string> Addresses { get; init; }
    public IReadOnlyList<string> ExcludedAddresses { get; init; } = [];
    public required bool AddressesInstalled { get; init; }
    public string? SyncGroup { get; init; }
    public IReadOnlyList<TrackerStatus> Trackers { get; init; } = [];
    public required RouterCountersStatus Counters { get; init; }
}

internal sealed record TrackerStatus(string Kind, string Name, int Weight, bool Reverse, bool Up);

internal sealed record RouterCountersStatus
{
    public long AdvertisementsSent { get; init; }
    public long PriorityZeroSent { get; init; }
    public long AdvertisementsReceived { get; init; }
    public long PriorityZeroReceived { get; init; }
    public long LowerPriorityDiscarded { get; init; }
    public long LowerPriorityAnswered { get; init; }
    public long AddressListMismatches { get; init; }
    public long BecameMaster { get; init; }
    public long ReleasedMaster { get; init; }
    public long EnteredFault { get; init; }
    public long HeldBySyncGroup { get; init; }

    /// <summary>Every rejection reason with its count (zeros included, so scripts find each key).</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> Rejected { get; init; }
}

internal sealed record InterfaceStatus
{
    public required string Name { get; init; }
    public required int Index { get; init; }
    public required string Mac { get; init; }
    public required bool LinkUp { get; init; }
    public long FramesReceived { get; init; }
    public long FramesSent { get; init; }
    public long SendErrors { get; init; }
    public long ReceiveErrors { get; init; }
    public long KernelDrops { get; init; }
    public long OtherVirtualRouter { get; init; }

    /// <summary>How frames arrive: "ring" (PACKET_RX_RING), or "socket buffer" (before the ring is ready, or if it failed: <see cref="ReceiveRingError"/>).</summary>
    public required string Receive { get; init; }
    public string? ReceiveRingError { get; init; }
    public required IReadOnlyList<KeyValuePair<string, long>> ParseErrors { get; init; }
}

internal sealed record UnicastStatus
{
    public string? Interface { get; init; }
    public required string Source { get; init; }
    public required IReadOnlyList<string> Peers { get; init; }
    public long PacketsReceived { get; init; }
    public long UnknownSource { get; init; }
    public long PacketsSent { get; init; }
    public long SendErrors { get; init; }
    public long OtherVirtualRouter { get; init; }
    public required IReadOnlyList<KeyValuePair<string, long>> ParseErrors { get; init; }
}

internal sealed record SyncGroupStatus(string Name, string State, IReadOnlyList<string> Members);
