using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>A sync group as the loop runs it: the core's group and its members.</summary>
internal sealed class HostedSyncGroup(SyncGroupDefinition definition, SyncGroup group, HostedRouter[] members)
{
    public SyncGroupDefinition Definition { get; } = definition;
    public SyncGroup Group { get; } = group;
    public HostedRouter[] Members { get; } = members;
}

/// <summary>
/// One running router: its <see cref="VirtualRouter"/> and everything the loop needs to carry
/// out its actions without allocating: where advertisements go (interface and MACs, or a
/// unicast endpoint), its addresses as netlink adds them, its gratuitous frames built once, its
/// trackers and its place in the deadline heap. Built by <see cref="RouterBuilder"/>.
/// </summary>
internal sealed class HostedRouter : IDeadlineItem
{
    public HostedRouter(RouterDefinition definition)
    {
        Definition = definition;
        Trackers = TrackersOf(definition);
        TrackerIfIndex = new int[Trackers.Length];
    }

    // The definition's trackers, then the interfaces its tracked routes and rules name.
    private static TrackerDefinition[] TrackersOf(RouterDefinition definition) =>
        [.. definition.Trackers, .. HostedRouting.DeviceTrackers(definition)];

    /// <summary>The options <paramref name="definition"/> gives this router, resolved as it was built (source, unicast, trackers).</summary>
    public VirtualRouterOptions OptionsFor(RouterDefinition definition) => definition.Options with
    {
        PrimaryAddress = Source,
        Unicast = Router.Options.Unicast,
        Trackers = [.. TrackersOf(definition).Select(t => t.ToOptions())],
    };

    /// <summary>
    /// Takes <paramref name="definition"/> without a rebuild when only its protocol options or
    /// tracker weights differ and the router can apply them live; false, changing nothing, otherwise.
    /// </summary>
    public bool TryRetune(Instant now, RouterDefinition definition)
    {
        if (!Definition.SameSystemSide(definition) || !Router.TryReconfigure(now, OptionsFor(definition)))
            return false;
        Definition = definition;
        Trackers = TrackersOf(definition);
        return true;
    }

    public RouterDefinition Definition { get; private set; }

    public string Name => Definition.Name;

    /// <summary>Set once the router's resources are acquired.</summary>
    public VirtualRouter Router { get; set; } = null!;

    /// <summary>
    /// How early a Master's timer may be handled so that routers share wake-ups: a sixteenth of
    /// the advertisement interval, at most 1 ms.
    /// </summary>
    public TimeSpan TimerSlack { get; set; }

    /// <summary>The router's own interface (null for a unicast router without one).</summary>
    public HostInterface? Interface { get; set; }

    /// <summary>The unicast endpoint, or null for multicast.</summary>
    public UnicastEndpoint? Unicast { get; set; }

    public HostedSyncGroup? Group { get; set; }

    /// <summary>Source of advertisements (the router's primary address).</summary>
    public IpAddr Source { get; set; }

    /// <summary>224.0.0.18 or ff02::12.</summary>
    public IpAddr Destination { get; set; }

    public MacAddress SourceMac { get; set; }
    public MacAddress DestinationMac { get; set; }

    /// <summary>Advertised addresses then the others, with their interfaces resolved.</summary>
    public VirtualAddress[] Addresses { get; set; } = [];

    /// <summary>Names of the interfaces of <see cref="Addresses"/>, for messages.</summary>
    public string[] AddressInterfaceNames { get; set; } = [];

    public GratuitousSet[] Gratuitous { get; set; } = [];

    /// <summary>Virtual routes and rules, installed and removed with <see cref="Addresses"/>.</summary>
    public HostedRouting Routing { get; set; } = HostedRouting.None;

    /// <summary>Interfaces this router holds a reference on (own, address devices, VMAC parent).</summary>
    public List<HostInterface> InterfaceRefs { get; } = [];

    /// <summary>The definition's trackers, then the interfaces of its tracked routes and rules.</summary>
    public TrackerDefinition[] Trackers { get; private set; }

    /// <summary>For interface trackers, the tracked ifindex (0 for external ones).</summary>
    public int[] TrackerIfIndex { get; }

    /// <summary>The VMAC interface, or null.</summary>
    public InterfaceInfo? Vmac { get; set; }

    /// <summary>The own interface's link state drives Fault (not dont_track_primary).</summary>
    public bool TracksOwnInterface { get; set; }

    public bool AddressesInstalled { get; set; }

    /// <summary>The effective priority last reported, to notice changes.</summary>
    public byte ReportedPriority { get; set; }

    /// <summary>Taken out of the loop (removed or rebuilt by a reload); queued work for it is dropped.</summary>
    public bool Removed { get; set; }

    public RejectLimiter RejectLog { get; } = new(StatusCounters.RejectReasonCount);

    public Instant Deadline { get; set; } = Instant.Never;
    public int HeapIndex { get; set; } = -1;

    /// <summary>True if <paramref name="address"/> is one of this router's addresses on <paramref name="ifIndex"/>.</summary>
    public bool Owns(int ifIndex, IpAddr address, byte prefixLength, out int index)
    {
        for (int i = 0; i < Addresses.Length; i++)
        {
            ref readonly VirtualAddress a = ref Addresses[i];
            if (a.IfIndex == ifIndex && a.Address == address && a.EffectivePrefixLength == prefixLength)
            {
                index = i;
                return true;
            }
        }
        index = -1;
        return false;
    }
}

/// <summary>Gratuitous ARP / unsolicited NA frames of one router that go out of one interface, built once.</summary>
internal sealed class GratuitousSet(HostedRouter owner, HostInterface output, byte[][] frames, bool[] neighborAdvertisement)
{
    public HostedRouter Owner { get; } = owner;
    public HostInterface Output { get; } = output;
    public byte[][] Frames { get; } = frames;
    public bool[] IsNeighborAdvertisement { get; } = neighborAdvertisement;
}

internal static class StatusCounters
{
    public static readonly int ParseErrorCount = (int)Enum.GetValues<ParseError>().Max() + 1;
    public static readonly int RejectReasonCount = (int)Enum.GetValues<RejectReason>().Max() + 1;
}
