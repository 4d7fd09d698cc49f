using System.Runtime.InteropServices;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>
/// Adds and removes routes over a request <see cref="NetlinkSocket"/> (RTM_NEWROUTE /
/// RTM_DELROUTE), one at a time or many in one batch, as <see cref="AddressManager"/> does for
/// addresses. A route is added the way keepalived adds it: NLM_F_CREATE without NLM_F_EXCL
/// (<c>ip route prepend</c>), global scope unless one is given. A removal names the route's
/// protocol, so a route someone else installed with the same destination stays.
/// </summary>
public sealed class RouteManager
{
    /// <summary>RTPROT_KEEPALIVED (18): the protocol of the routes and rules keepalived installs, and vrrpd's.</summary>
    public const byte ProtocolTag = 18;

    private const int ChunkSize = 256;
    private const int NoSuchProcess = 3; // ESRCH: what RTM_DELROUTE answers for a route that is not there
    private readonly NetlinkSocket _netlink;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private static readonly NetlinkRequestWriter<IpRoute> WriteRequest = Write;

    /// <summary>Uses <paramref name="netlink"/> (a socket without groups) for its requests.</summary>
    public RouteManager(NetlinkSocket netlink) => _netlink = netlink ?? throw new ArgumentNullException(nameof(netlink));

    /// <summary>The kernel's extended-ACK message for the last failed request, if it gave one.</summary>
    public string? LastKernelMessage => _netlink.LastKernelMessage;

    /// <summary>Adds one route.</summary>
    /// <exception cref="NetlinkException">The kernel refused (EEXIST if the same route is there, ENETUNREACH for a gateway off every link, ...).</exception>
    public void Add(in IpRoute route) => Single(route, add: true);

    /// <summary>Removes one route.</summary>
    /// <exception cref="NetlinkException">The kernel refused (ESRCH if absent, ...).</exception>
    public void Remove(in IpRoute route) => Single(route, add: false);

    /// <summary>
    /// Adds every route in as few system calls as possible. <paramref name="errnos"/>[i] gets 0
    /// or the errno for route i; returns the number of failures.
    /// </summary>
    public int Add(ReadOnlySpan<IpRoute> routes, Span<int> errnos) => NetlinkBatch.Run(_netlink, _buffer, ChunkSize, routes, errnos, add: true, WriteRequest);

    /// <summary>Removes every route in as few system calls as possible; like <see cref="Add(ReadOnlySpan{IpRoute}, Span{int})"/>.</summary>
    public int Remove(ReadOnlySpan<IpRoute> routes, Span<int> errnos) => NetlinkBatch.Run(_netlink, _buffer, ChunkSize, routes, errnos, add: false, WriteRequest);

    /// <summary>True for the errno of a removal whose route was already gone.</summary>
    public static bool IsAbsent(int errno) => errno is NoSuchProcess or Errno.ENOENT;

    /// <summary>The exception describing a failed add or remove of <paramref name="route"/>.</summary>
    public static NetlinkException Error(in IpRoute route, bool add, int errno, string? interfaceName = null, string? kernelMessage = null) =>
        new(add ? "RTM_NEWROUTE" : "RTM_DELROUTE", route.Describe(interfaceName), errno, kernelMessage);

    /// <summary>The routes of every table, of one family or both.</summary>
    public List<IpRoute> List(IpFamily family = IpFamily.None)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtm.RTM_GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, _netlink.NextSequence());
        writer.WriteHeader(new RtMsg { Family = NetlinkBatch.FamilyCode(family) });
        writer.EndMessage();
        var result = new List<IpRoute>();
        _netlink.Dump(writer.Written, (in NetlinkMessage m) =>
        {
            if (m.Type == Rtm.RTM_NEWROUTE && IpRoute.TryRead(m, out IpRoute r))
                result.Add(r);
        });
        return result;
    }

    /// <summary>
    /// Startup cleanup: removes every route carrying <see cref="ProtocolTag"/> (a previous run,
    /// or keepalived before us, left it) and every route that <paramref name="configured"/>
    /// matches. Returns what was removed, for the log.
    /// </summary>
    public List<IpRoute> RemoveLeftovers(ReadOnlySpan<IpRoute> configured)
    {
        var stale = new List<IpRoute>();
        foreach (IpRoute r in List())
        {
            bool ours = r.Protocol == ProtocolTag;
            foreach (IpRoute c in configured)
                ours |= c.Matches(r);
            if (ours)
                stale.Add(r);
        }
        var errnos = new int[stale.Count];
        Remove(CollectionsMarshal.AsSpan(stale), errnos);
        for (int i = errnos.Length - 1; i >= 0; i--)
        {
            if (errnos[i] != 0 && !IsAbsent(errnos[i])) throw Error(stale[i], add: false, errnos[i], kernelMessage: _netlink.LastKernelMessage);
            if (errnos[i] != 0) stale.RemoveAt(i);
        }
        return stale;
    }

    private void Single(in IpRoute route, bool add)
    {
        var writer = new NetlinkWriter(_buffer);
        Write(ref writer, route, add, _netlink.NextSequence());
        int errno = _netlink.Request(writer.Written);
        if (errno != 0) throw Error(route, add, errno, kernelMessage: _netlink.LastKernelMessage);
    }

    private static void Write(ref NetlinkWriter writer, in IpRoute route, bool add, uint sequence)
    {
        if (route.Family == IpFamily.None) throw new ArgumentException("A route needs a destination.", nameof(route));
        writer.BeginMessage(add ? Rtm.RTM_NEWROUTE : Rtm.RTM_DELROUTE, add ? (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE) : (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK), sequence);
        uint table = route.EffectiveTable;
        writer.WriteHeader(new RtMsg
        {
            Family = NetlinkBatch.FamilyCode(route.Family),
            DestinationLength = route.PrefixLength,
            SourceLength = route.Source.Family == IpFamily.None ? (byte)0 : route.SourcePrefixLength,
            Tos = route.Tos,
            Table = table < 256 ? (byte)table : Rtm.RT_TABLE_UNSPEC,
            Protocol = route.Protocol,
            // A removal matches any scope, as `ip route del` does.
            Scope = add ? route.Scope ?? Rtnl.RT_SCOPE_UNIVERSE : Rtm.RT_SCOPE_NOWHERE,
            Type = (byte)route.EffectiveType,
            Flags = route.OnLink ? Rtm.RTNH_F_ONLINK : 0,
        });
        if (table >= 256) writer.WriteAttribute(Rtm.RTA_TABLE, table);
        if (route.PrefixLength > 0 || route.Destination != NetlinkBatch.Any(route.Family)) writer.WriteAttribute(Rtm.RTA_DST, route.Destination);
        if (route.Source.Family != IpFamily.None) writer.WriteAttribute(Rtm.RTA_SRC, route.Source);
        if (route.PreferredSource.Family != IpFamily.None) writer.WriteAttribute(Rtm.RTA_PREFSRC, route.PreferredSource);
        if (route.Gateway.Family != IpFamily.None) writer.WriteAttribute(Rtm.RTA_GATEWAY, route.Gateway);
        if (route.OutputIfIndex != 0) writer.WriteAttribute(Rtm.RTA_OIF, (uint)route.OutputIfIndex);
        if (route.Metric is uint metric) writer.WriteAttribute(Rtm.RTA_PRIORITY, metric);
        if (add && route.Mtu is uint mtu)
        {
            int metrics = writer.BeginNested(Rtm.RTA_METRICS);
            writer.WriteAttribute(Rtm.RTAX_MTU, mtu);
            if (route.LockMtu) writer.WriteAttribute(Rtm.RTAX_LOCK, 1u << Rtm.RTAX_MTU);
            writer.EndNested(metrics);
        }
        writer.EndMessage();
    }
}
