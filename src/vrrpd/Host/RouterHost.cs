using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Linux;
using Vrrp.Keepalived;

namespace Vrrpd.Host;

/// <summary>A sync group as the loop runs it: the core's group and its members' hosts.</summary>
internal sealed class SyncGroupHost(SyncGroupConfig config, SyncGroup group, RouterHost[] members)
{
    public SyncGroupConfig Config { get; } = config;
    public SyncGroup Group { get; } = group;
    public RouterHost[] Members { get; } = members;
}

/// <summary>
/// One running instance: its <see cref="VirtualRouter"/> and everything the loop needs to carry
/// out its actions without allocating: where advertisements go (interface and MACs, or a unicast
/// channel), its virtual addresses as netlink will add them, its gratuitous frames built once,
/// its trackers and its place in the deadline heap.
/// </summary>
internal sealed class RouterHost : IDeadlineItem
{
    public RouterHost(VrrpInstanceConfig config, TrackerSpec[] trackers)
    {
        Config = config;
        Trackers = trackers;
        TrackerIfIndex = new int[trackers.Length];
    }

    public VrrpInstanceConfig Config { get; }

    /// <summary>Set once the instance's resources are acquired.</summary>
    public VirtualRouter Router { get; set; } = null!;

    /// <summary>
    /// How early a Master's timer may be handled so that routers share wake-ups: a sixteenth of
    /// the advertisement interval, at most 1 ms.
    /// </summary>
    public TimeSpan TimerSlack { get; set; }
    public string Name => Config.Name;

    /// <summary>The instance's own interface (null for a unicast instance without one).</summary>
    public InterfaceHost? Interface { get; set; }

    /// <summary>The unicast transport, or null for multicast.</summary>
    public UnicastChannel? Unicast { get; set; }

    public SyncGroupHost? Group { get; set; }

    /// <summary>Source of advertisements (the router's primary address).</summary>
    public IpAddr Source { get; set; }

    /// <summary>224.0.0.18 or ff02::12.</summary>
    public IpAddr Destination { get; set; }

    public MacAddress SourceMac { get; set; }
    public MacAddress DestinationMac { get; set; }
    public ChecksumConvention Convention { get; set; }

    /// <summary>virtual_ipaddress then virtual_ipaddress_excluded, with their interfaces resolved.</summary>
    public VirtualAddress[] Addresses { get; set; } = [];

    /// <summary>Names of the interfaces of <see cref="Addresses"/>, for messages.</summary>
    public string[] AddressInterfaceNames { get; set; } = [];

    public GratuitousSet[] Gratuitous { get; set; } = [];

    /// <summary>Interfaces this instance holds a reference on (own, VIP devices, VMAC parent).</summary>
    public List<InterfaceHost> InterfaceRefs { get; } = [];

    public TrackerSpec[] Trackers { get; }

    /// <summary>For interface trackers, the tracked ifindex (0 for scripts).</summary>
    public int[] TrackerIfIndex { get; }

    /// <summary>The VMAC interface of use_vmac, or null.</summary>
    public InterfaceInfo? Vmac { get; set; }

    /// <summary>The interface link state last given to the router is watched (not dont_track_primary).</summary>
    public bool TracksOwnInterface { get; set; }

    public bool AddressesInstalled { get; set; }

    /// <summary>The effective priority last reported, to notice changes.</summary>
    public byte ReportedPriority { get; set; }

    /// <summary>Taken out of the loop (removed or rebuilt by a reload); queued work for it is dropped.</summary>
    public bool Removed { get; set; }

    public RejectLimiter RejectLog { get; } = new(StatusCounters.RejectReasonCount);

    public Instant Deadline { get; set; } = Instant.Never;
    public int HeapIndex { get; set; } = -1;

    /// <summary>True if <paramref name="address"/> is one of this instance's installed addresses on <paramref name="ifIndex"/>.</summary>
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
