using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Everything a <see cref="VrrpHost"/> runs: its virtual routers, the sync groups among them
/// and the host-wide pacing of gratuitous frames. Given whole to <see cref="VrrpHost.Start"/>
/// and again to <see cref="VrrpHost.Apply"/> for a reload: routers whose definition compares
/// equal keep running untouched.
/// </summary>
public sealed record HostConfiguration
{
    /// <summary>The virtual routers, one per <see cref="RouterDefinition"/>; names must be unique.</summary>
    public IReadOnlyList<RouterDefinition> Routers { get; init; } = [];

    /// <summary>Groups of routers that change state together (keepalived <c>vrrp_sync_group</c>).</summary>
    public IReadOnlyList<SyncGroupDefinition> SyncGroups { get; init; } = [];

    /// <summary>Delay between two gratuitous ARPs on one interface (keepalived <c>vrrp_garp_interval</c>); zero sends a burst at once.</summary>
    public TimeSpan GarpInterval { get; init; }

    /// <summary>Delay between two unsolicited Neighbor Advertisements on one interface (<c>vrrp_gna_interval</c>).</summary>
    public TimeSpan GnaInterval { get; init; }

    /// <summary>Wait this long after <see cref="VrrpHost.Start"/> before the routers start (<c>vrrp_startup_delay</c>).</summary>
    public TimeSpan StartupDelay { get; init; }

    /// <summary>Where the configuration came from (a file name), for log lines only.</summary>
    public string Source { get; init; } = "configuration";
}

/// <summary>
/// One virtual router as the host runs it on Linux: the protocol options of
/// <see cref="VirtualRouterOptions"/> and where they meet the system — the interface, the
/// addresses as the kernel gets them, unicast peers, a virtual MAC interface, trackers.
/// </summary>
/// <remarks>
/// <see cref="VirtualRouterOptions.PrimaryAddress"/> may be left unset: the host then sends
/// from the interface's primary IPv4 address or IPv6 link-local address (RFC 5798 5.1.1.1,
/// 5.1.2.1). <see cref="VirtualRouterOptions.Unicast"/> and <see cref="VirtualRouterOptions.Trackers"/>
/// are set by the host from <see cref="UnicastPeers"/> and <see cref="Trackers"/>.
/// Two definitions are equal when every setting is, lists compared element by element.
/// </remarks>
public sealed record RouterDefinition
{
    /// <summary>The protocol options (VRID, priority, interval, advertised addresses...).</summary>
    public required VirtualRouterOptions Options { get; init; }

    /// <summary>The interface advertisements go out of; null only for a unicast router whose addresses all name a <see cref="VirtualAddressDefinition.Device"/>.</summary>
    public string? Interface { get; init; }

    /// <summary>
    /// The addresses installed while Master, with prefix, device, label and scope. The advertised
    /// ones must list <see cref="VirtualRouterOptions.VirtualAddresses"/> in order; the others are
    /// installed but not advertised (keepalived <c>virtual_ipaddress_excluded</c>). Empty: the
    /// advertised addresses as host routes (/32, /128) on <see cref="Interface"/>.
    /// </summary>
    public IReadOnlyList<VirtualAddressDefinition> Addresses { get; init; } = [];

    /// <summary>Peers advertisements are sent to (keepalived <c>unicast_peer</c>); empty for the VRRP multicast group.</summary>
    public IReadOnlyList<IpAddr> UnicastPeers { get; init; } = [];

    /// <summary>Whether the configuration asked to accept unicast adverts from the peers only; the host always does, and logs it when this is off.</summary>
    public bool CheckUnicastSource { get; init; } = true;

    /// <summary>A macvlan carrying the virtual router MAC (keepalived <c>use_vmac</c>), or null.</summary>
    public VmacDefinition? Vmac { get; init; }

    /// <summary>VRRPv3 over IPv4 checksum to send: with the pseudo-header (RFC 5798) or without (RFC 9568's note on older peers).</summary>
    public ChecksumConvention Checksum { get; init; } = ChecksumConvention.PseudoHeader;

    /// <summary>The link state of <see cref="Interface"/> drives Fault (false: keepalived <c>dont_track_primary</c>).</summary>
    public bool TrackInterface { get; init; } = true;

    /// <summary>Tracked objects, in the order of <see cref="VirtualRouterOptions.Trackers"/>.</summary>
    public IReadOnlyList<TrackerDefinition> Trackers { get; init; } = [];

    /// <summary>Report effective priority changes to <see cref="IVrrpHostObserver.RouterPriorityChanged"/> (keepalived <c>notify_priority_changes</c>).</summary>
    public bool NotifyPriorityChanges { get; init; }

    /// <summary>Routes installed after the addresses while Master and removed with them (keepalived <c>virtual_routes</c>).</summary>
    public IReadOnlyList<VirtualRouteDefinition> Routes { get; init; } = [];

    /// <summary>Policy rules installed after the routes while Master and removed with them (keepalived <c>virtual_rules</c>).</summary>
    public IReadOnlyList<VirtualRuleDefinition> Rules { get; init; } = [];

    /// <summary>The router's name (<see cref="VirtualRouterOptions.Name"/>).</summary>
    public string Name => Options.Name;

    /// <summary>Compares every setting, lists element by element.</summary>
    public bool Equals(RouterDefinition? other) =>
        other is not null
        && Options.Equals(other.Options)
        && Interface == other.Interface
        && Addresses.SequenceEqual(other.Addresses)
        && UnicastPeers.SequenceEqual(other.UnicastPeers)
        && CheckUnicastSource == other.CheckUnicastSource
        && Vmac == other.Vmac
        && Checksum == other.Checksum
        && TrackInterface == other.TrackInterface
        && Trackers.SequenceEqual(other.Trackers)
        && NotifyPriorityChanges == other.NotifyPriorityChanges
        && Routes.SequenceEqual(other.Routes)
        && Rules.SequenceEqual(other.Rules);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Options.Name, Options.VirtualRouterId, Interface, Addresses.Count);

    // Everything but the protocol options and the trackers' weights is the same: a reload may
    // then retune the running router (VirtualRouter.TryReconfigure) instead of rebuilding it.
    internal bool SameSystemSide(RouterDefinition other) =>
        Interface == other.Interface
        && Addresses.SequenceEqual(other.Addresses)
        && UnicastPeers.SequenceEqual(other.UnicastPeers)
        && CheckUnicastSource == other.CheckUnicastSource
        && Vmac == other.Vmac
        && Checksum == other.Checksum
        && TrackInterface == other.TrackInterface
        && Trackers.Count == other.Trackers.Count
        && Trackers.Zip(other.Trackers).All(p => p.First with { Weight = 0, Reverse = false } == p.Second with { Weight = 0, Reverse = false })
        && Routes.SequenceEqual(other.Routes)
        && Rules.SequenceEqual(other.Rules);
}

/// <summary>
/// One address a router installs while Master. <see cref="PrefixLength"/> 0 means a host
/// route (/32 or /128); <see cref="Device"/> null means the router's interface (or its VMAC).
/// </summary>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">Prefix length; 0 for /32 or /128.</param>
/// <param name="Device">The interface it goes on, when not the router's own.</param>
/// <param name="Label">IPv4 label (<c>eth0:1</c>).</param>
/// <param name="Scope">Kernel address scope (0 global, 253 link, 254 host).</param>
/// <param name="Broadcast">IPv4 broadcast address, or default for none.</param>
/// <param name="Advertised">False for an address installed but not advertised.</param>
public sealed record VirtualAddressDefinition(IpAddr Address, byte PrefixLength = 0, string? Device = null, string? Label = null,
    byte Scope = 0, IpAddr Broadcast = default, bool Advertised = true)
{
    /// <summary>The prefix length the kernel gets.</summary>
    public byte EffectivePrefixLength => PrefixLength != 0 ? PrefixLength : (byte)(Address.IsIPv6 ? 128 : 32);

    /// <summary>keepalived's notation: <c>10.0.0.1/24 dev eth1 label eth1:0</c>.</summary>
    public override string ToString() =>
        $"{Address}/{EffectivePrefixLength}{(Device is null ? "" : " dev " + Device)}{(Label is null ? "" : " label " + Label)}";
}

/// <summary>A macvlan interface with the virtual router MAC (RFC 5798 7.3) that holds the addresses.</summary>
/// <param name="Name">The interface name (keepalived: <c>vrrp.VRID</c> unless named).</param>
/// <param name="TransmitOnParent">Advertisements go out of the parent with its own MAC (keepalived <c>vmac_xmit_base</c>).</param>
public sealed record VmacDefinition(string Name, bool TransmitOnParent = false);

/// <summary>What a tracker watches.</summary>
public enum TrackerSource : byte
{
    /// <summary>An interface's link: up when it is administratively up with carrier; watched by the host over netlink.</summary>
    Interface,

    /// <summary>
    /// Anything else (a script, a process, a file, a probe): its state is given with
    /// <see cref="VrrpHost.SetTrackerState(string, bool)"/>, or its value with <see cref="VrrpHost.SetTrackerValue"/>.
    /// </summary>
    External,
}

/// <summary>One tracked object of a router.</summary>
/// <param name="Source">Interface or external.</param>
/// <param name="Name">The interface name, or the name external states are given under.</param>
/// <param name="Weight">keepalived semantics: added while up (positive) or while down (negative); 0 means Fault while down.</param>
/// <param name="Reverse">Counts as up while it reports down.</param>
/// <param name="Kind">
/// A word for status output (<c>script</c>, <c>process</c>, <c>file</c>...); defaults to <c>interface</c>
/// or <c>external</c>. External states given with a kind reach only the trackers of that kind.
/// </param>
/// <param name="Input">Up/down, or a number (an external tracker only: keepalived's track_file).</param>
public sealed record TrackerDefinition(TrackerSource Source, string Name, int Weight = 0, bool Reverse = false, string? Kind = null,
    TrackerInput Input = TrackerInput.State)
{
    /// <summary>The word status output shows before the name.</summary>
    public string KindText => Kind ?? (Source == TrackerSource.Interface ? "interface" : "external");

    /// <summary>The core's view of it.</summary>
    public TrackerOptions ToOptions() => new($"{KindText} {Name}", Weight, Reverse, Input);

    /// <summary>True for the external tracker an external report of <paramref name="kind"/> (null: any kind) and <paramref name="name"/> is for.</summary>
    public bool IsExternal(string? kind, string name) => Source == TrackerSource.External && Name == name && (kind is null || KindText == kind);
}

/// <summary>Routers that change state together (keepalived <c>vrrp_sync_group</c>).</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Members">Names of its routers; a group with fewer than two running is ignored, as keepalived does.</param>
public sealed record SyncGroupDefinition(string Name, IReadOnlyList<string> Members)
{
    /// <summary>Compares the name and the members in order.</summary>
    public bool Equals(SyncGroupDefinition? other) => other is not null && Name == other.Name && Members.SequenceEqual(other.Members);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Members.Count);
}
