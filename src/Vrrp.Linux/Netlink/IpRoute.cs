using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>The type of a route (the kernel's RTN_* values).</summary>
public enum RouteType : byte
{
    /// <summary>A gateway or direct route (the default).</summary>
    Unicast = 1,
    /// <summary>A local address.</summary>
    Local = 2,
    /// <summary>A broadcast address.</summary>
    Broadcast = 3,
    /// <summary>A local anycast address.</summary>
    Anycast = 4,
    /// <summary>A multicast route.</summary>
    Multicast = 5,
    /// <summary>Packets are dropped silently.</summary>
    Blackhole = 6,
    /// <summary>Packets are dropped with ICMP host unreachable.</summary>
    Unreachable = 7,
    /// <summary>Packets are dropped with ICMP communication administratively prohibited.</summary>
    Prohibit = 8,
    /// <summary>The lookup goes on in the next table of the policy rules.</summary>
    Throw = 9,
}

/// <summary>
/// A route as <c>ip route</c> describes it, with its interface resolved to an index: what
/// <see cref="RouteManager"/> adds and removes and what it reads back. Unset addresses have
/// <see cref="IpFamily.None"/>; the destination always has the route's family (all zeros with
/// prefix 0 for <c>default</c>).
/// </summary>
public readonly record struct IpRoute
{
    /// <summary>The destination prefix (RTA_DST); its family is the route's.</summary>
    public IpAddr Destination { get; init; }

    /// <summary>The destination prefix length (0 for <c>default</c>).</summary>
    public byte PrefixLength { get; init; }

    /// <summary>The source prefix of a source-specific IPv6 route (RTA_SRC, <c>ip route ... from</c>), or none.</summary>
    public IpAddr Source { get; init; }

    /// <summary>The length of <see cref="Source"/>.</summary>
    public byte SourcePrefixLength { get; init; }

    /// <summary>The source address preferred for traffic the route carries (RTA_PREFSRC, <c>ip route ... src</c>), or none.</summary>
    public IpAddr PreferredSource { get; init; }

    /// <summary>The next hop (RTA_GATEWAY, <c>via</c>), or none.</summary>
    public IpAddr Gateway { get; init; }

    /// <summary>The output interface (RTA_OIF, <c>dev</c>), 0 for none.</summary>
    public int OutputIfIndex { get; init; }

    /// <summary>The routing table; 0 means main (254).</summary>
    public uint Table { get; init; }

    /// <summary>The metric (RTA_PRIORITY); null for the kernel's default (0 for IPv4, 1024 for IPv6).</summary>
    public uint? Metric { get; init; }

    /// <summary>Who installed the route (rtm_protocol); <see cref="RouteManager.ProtocolTag"/> for vrrpd's.</summary>
    public byte Protocol { get; init; }

    /// <summary>The scope (RT_SCOPE_*); null for global (0), as keepalived installs routes.</summary>
    public byte? Scope { get; init; }

    /// <summary>The type; 0 means <see cref="RouteType.Unicast"/>.</summary>
    public RouteType Type { get; init; }

    /// <summary>The TOS the route matches (IPv4), 0 for any.</summary>
    public byte Tos { get; init; }

    /// <summary>The gateway is on the link even if no prefix says so (RTNH_F_ONLINK).</summary>
    public bool OnLink { get; init; }

    /// <summary>The path MTU (RTAX_MTU), or null.</summary>
    public uint? Mtu { get; init; }

    /// <summary>The MTU is locked: path MTU discovery does not change it.</summary>
    public bool LockMtu { get; init; }

    /// <summary>IPv4 or IPv6: the destination's family.</summary>
    public IpFamily Family => Destination.Family;

    /// <summary>The table the kernel uses: 254 (main) when <see cref="Table"/> is 0.</summary>
    public uint EffectiveTable => Table == 0 ? Rtm.RT_TABLE_MAIN : Table;

    /// <summary>The type the kernel uses: unicast when <see cref="Type"/> is 0.</summary>
    public RouteType EffectiveType => Type == 0 ? RouteType.Unicast : Type;

    /// <summary>
    /// True if <paramref name="found"/> (read from the kernel) is this route: the kernel's key
    /// (destination, TOS, metric, table) plus type, protocol, gateway and interface, those
    /// this route leaves unset matching anything.
    /// </summary>
    public bool Matches(in IpRoute found) =>
        Destination == found.Destination && PrefixLength == found.PrefixLength
        && Source == found.Source && SourcePrefixLength == found.SourcePrefixLength
        && Tos == found.Tos && EffectiveTable == found.EffectiveTable && EffectiveType == found.EffectiveType
        && Protocol == found.Protocol
        && (Metric is not uint metric || (found.Metric ?? 0) == metric)
        && (Gateway.Family == IpFamily.None || Gateway == found.Gateway)
        && (OutputIfIndex == 0 || OutputIfIndex == found.OutputIfIndex);

    /// <summary>The route as <c>ip route</c> prints it (allocates; for messages).</summary>
    public string Describe(string? interfaceName = null)
    {
        var text = new StringBuilder();
        if (EffectiveType != RouteType.Unicast)
            text.Append(TypeName(EffectiveType)).Append(' ');
        text.Append(PrefixLength == 0 && Destination == NetlinkBatch.Any(Family) ? "default" : $"{Destination}/{PrefixLength}");
        if (Source.Family != IpFamily.None)
            text.Append(CultureInfo.InvariantCulture, $" from {Source}/{SourcePrefixLength}");
        if (PreferredSource.Family != IpFamily.None)
            text.Append(CultureInfo.InvariantCulture, $" src {PreferredSource}");
        if (Gateway.Family != IpFamily.None)
            text.Append(CultureInfo.InvariantCulture, $" via {Gateway}");
        if (OutputIfIndex != 0)
            text.Append(" dev ").Append(interfaceName ?? $"ifindex {OutputIfIndex}");
        if (EffectiveTable != Rtm.RT_TABLE_MAIN)
            text.Append(CultureInfo.InvariantCulture, $" table {EffectiveTable}");
        if (Tos != 0)
            text.Append(CultureInfo.InvariantCulture, $" tos 0x{Tos:x}");
        if (Protocol != 0)
            text.Append(CultureInfo.InvariantCulture, $" proto {Protocol}");
        if (Scope is byte scope)
            text.Append(CultureInfo.InvariantCulture, $" scope {scope}");
        if (Metric is uint metric)
            text.Append(CultureInfo.InvariantCulture, $" metric {metric}");
        if (Mtu is uint mtu)
            text.Append(CultureInfo.InvariantCulture, $" mtu {(LockMtu ? "lock " : "")}{mtu}");
        if (OnLink)
            text.Append(" onlink");
        return text.ToString();
    }

    /// <summary>The word <c>ip route</c> uses for a type.</summary>
    public static string TypeName(RouteType type) => type switch
    {
        RouteType.Unicast => "unicast",
        RouteType.Local => "local",
        RouteType.Broadcast => "broadcast",
        RouteType.Anycast => "anycast",
        RouteType.Multicast => "multicast",
        RouteType.Blackhole => "blackhole",
        RouteType.Unreachable => "unreachable",
        RouteType.Prohibit => "prohibit",
        RouteType.Throw => "throw",
        _ => ((byte)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads an RTM_NEWROUTE / RTM_DELROUTE message without allocating; false if malformed or not IPv4/IPv6.</summary>
    public static bool TryRead(in NetlinkMessage message, out IpRoute route)
    {
        route = default;
        if (!message.TryReadHeader(out RtMsg header)) return false;
        IpFamily family = NetlinkBatch.FamilyOf(header.Family);
        if (family == IpFamily.None) return false;
        IpAddr destination = NetlinkBatch.Any(family), source = default, preferred = default, gateway = default;
        int oif = 0;
        uint table = header.Table;
        uint? metric = null, mtu = null;
        bool lockMtu = false;
        var attributes = message.Attributes(Unsafe.SizeOf<RtMsg>());
        while (attributes.TryRead(out NetlinkAttribute a))
        {
            switch (a.Type)
            {
                case Rtm.RTA_DST: a.TryGetAddress(out destination); break;
                case Rtm.RTA_SRC: a.TryGetAddress(out source); break;
                case Rtm.RTA_PREFSRC: a.TryGetAddress(out preferred); break;
                case Rtm.RTA_GATEWAY: a.TryGetAddress(out gateway); break;
                case Rtm.RTA_OIF: oif = (int)a.AsUInt32(); break;
                case Rtm.RTA_PRIORITY: metric = a.AsUInt32(); break;
                case Rtm.RTA_TABLE: table = a.AsUInt32(); break;
                case Rtm.RTA_METRICS:
                    var metrics = a.Nested();
                    while (metrics.TryRead(out NetlinkAttribute m))
                    {
                        if (m.Type == Rtm.RTAX_MTU) mtu = m.AsUInt32();
                        else if (m.Type == Rtm.RTAX_LOCK) lockMtu = (m.AsUInt32() & (1u << Rtm.RTAX_MTU)) != 0;
                    }
                    break;
            }
        }
        if (attributes.IsMalformed || destination.Family != family) return false;
        route = new IpRoute
        {
            Destination = destination,
            PrefixLength = header.DestinationLength,
            Source = source,
            SourcePrefixLength = source.Family == IpFamily.None ? (byte)0 : header.SourceLength,
            PreferredSource = preferred,
            Gateway = gateway,
            OutputIfIndex = oif,
            Table = table,
            Metric = metric,
            Protocol = header.Protocol,
            Scope = header.Scope == Rtnl.RT_SCOPE_UNIVERSE ? null : header.Scope,
            Type = (RouteType)header.Type,
            Tos = header.Tos,
            OnLink = (header.Flags & Rtm.RTNH_F_ONLINK) != 0,
            Mtu = mtu,
            LockMtu = lockMtu,
        };
        return true;
    }
}
