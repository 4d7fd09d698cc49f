using System.Net.Sockets;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>What a <see cref="NetlinkEvent"/> reports.</summary>
public enum NetlinkEventKind : byte
{
    /// <summary>A link appeared or its flags, operational state, MTU or MAC changed: see <see cref="NetlinkEvent.Link"/>.</summary>
    LinkChanged,
    /// <summary>A link was deleted.</summary>
    LinkRemoved,
    /// <summary>An address was added: see <see cref="NetlinkEvent.Address"/>.</summary>
    AddressAdded,
    /// <summary>An address was removed (by anyone: a VIP removed behind our back while Master must be put back).</summary>
    AddressRemoved,
    /// <summary>
    /// The kernel dropped notifications (ENOBUFS); the monitor re-read every link and address
    /// and the events that follow this one bring the caller up to date. Nothing was missed.
    /// </summary>
    Resynchronized,
    /// <summary>
    /// A route carrying <see cref="RouteManager.ProtocolTag"/> was deleted: see
    /// <see cref="NetlinkEvent.Route"/>. Reported only while <see cref="NetlinkMonitor.WatchRouting"/> asks for routes.
    /// </summary>
    RouteRemoved,
    /// <summary>
    /// A rule carrying <see cref="RouteManager.ProtocolTag"/> was deleted: see
    /// <see cref="NetlinkEvent.Rule"/>. Reported only while <see cref="NetlinkMonitor.WatchRouting"/> asks for rules.
    /// </summary>
    RuleRemoved,
}

/// <summary>One change reported by <see cref="NetlinkMonitor"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Link">The link's new state (link events).</param>
/// <param name="Address">The address (address events).</param>
/// <param name="Route">The route (<see cref="NetlinkEventKind.RouteRemoved"/>).</param>
/// <param name="Rule">The rule (<see cref="NetlinkEventKind.RuleRemoved"/>).</param>
public readonly record struct NetlinkEvent(NetlinkEventKind Kind, LinkState Link, InterfaceAddress Address, IpRoute Route = default, IpRule Rule = default);

/// <summary>
/// Watches links and addresses: a non-blocking netlink socket subscribed to RTNLGRP_LINK,
/// RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR that the event loop registers with
/// <see cref="Epoll"/>; when it is readable, the loop calls <see cref="TryRead"/> until false.
/// The monitor keeps the current state of every link and address, reports only real changes
/// (carrier, admin state, MTU, MAC; addresses added or removed), answers
/// <see cref="TryGetLink"/> / <see cref="HasAddress"/>, and on overflow (ENOBUFS) re-reads
/// everything and reports the difference, so no change is ever silently missed. No allocation
/// per event in the steady state.
/// </summary>
public sealed class NetlinkMonitor : IDisposable
{
    private readonly NetlinkSocket _events;
    private readonly NetlinkSocket _requests;
    private readonly LinkManager _linkManager;
    private readonly AddressManager _addressManager;
    private readonly Dictionary<int, LinkState> _links = [];
    private readonly HashSet<AddressKey> _addresses = [];
    private readonly Queue<NetlinkEvent> _pending = new(256);
    private readonly byte[] _pollRequest = new byte[64];
    private readonly NetlinkMessageHandler _pollHandler;
    private bool _watchRoutes;
    private bool _watchRules;
    private uint _ownPortId;

    private readonly record struct AddressKey(int IfIndex, IpAddr Address, byte PrefixLength);

    private NetlinkMonitor(NetlinkSocket events, NetlinkSocket requests)
    {
        _events = events;
        _requests = requests;
        _linkManager = new LinkManager(requests);
        _addressManager = new AddressManager(requests);
        _pollHandler = (in NetlinkMessage m) =>
        {
            if (m.Type == Rtnl.RTM_NEWLINK && LinkState.TryRead(m, out LinkState link)) LinkSeen(link);
        };
    }

    /// <summary>The socket to register with <see cref="Epoll"/>.</summary>
    public SafeSocketHandle Handle => _events.Handle;

    /// <summary>How many times the kernel reported an overflow and the monitor resynchronized.</summary>
    public long Overflows { get; private set; }

    /// <summary>Netlink messages that could not be read (malformed), ignored.</summary>
    public long MalformedMessages { get; private set; }

    /// <summary>
    /// Subscribes, then reads the current links and addresses, in the calling thread's network
    /// namespace. <paramref name="receiveBufferBytes"/> sizes the event socket's buffer (tests
    /// make it tiny to provoke ENOBUFS).
    /// </summary>
    public static NetlinkMonitor Open(int receiveBufferBytes = 1 << 20)
    {
        // Subscribe before the initial dump, so nothing falls between the two.
        NetlinkSocket events = NetlinkSocket.Open([Rtnl.RTNLGRP_LINK, Rtnl.RTNLGRP_IPV4_IFADDR, Rtnl.RTNLGRP_IPV6_IFADDR], receiveBufferBytes, blocking: false);
        NetlinkSocket? requests = null;
        try
        {
            requests = NetlinkSocket.Open();
            var monitor = new NetlinkMonitor(events, requests);
            monitor.Reload(report: false);
            return monitor;
        }
        catch
        {
            events.Dispose();
            requests?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Subscribes to route and rule changes (RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
    /// RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE) or leaves them. Only deletions of routes and rules
    /// carrying <see cref="RouteManager.ProtocolTag"/> are reported; a router with no tracked
    /// route does not need the groups, and on a host carrying a full routing table they are busy.
    /// </summary>
    public void WatchRouting(bool routes, bool rules)
    {
        if (routes != _watchRoutes)
        {
            _events.SetMembership(Rtm.RTNLGRP_IPV4_ROUTE, routes);
            _events.SetMembership(Rtm.RTNLGRP_IPV6_ROUTE, routes);
            _watchRoutes = routes;
        }
        if (rules != _watchRules)
        {
            _events.SetMembership(Rtm.RTNLGRP_IPV4_RULE, rules);
            _events.SetMembership(Rtm.RTNLGRP_IPV6_RULE, rules);
            _watchRules = rules;
        }
    }

    /// <summary>
    /// Route and rule deletions requested through <paramref name="socket"/> are the caller's own
    /// and not reported (the kernel names the requester in <c>nlmsg_pid</c>, as keepalived
    /// skips its command channel's): removing its routes and adding them back in one breath,
    /// the caller must not mistake the first for someone else's deletion.
    /// </summary>
    public void IgnoreRoutingChangesOf(NetlinkSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _ownPortId = socket.PortId;
    }

    /// <summary>The last known state of link <paramref name="index"/>.</summary>
    public bool TryGetLink(int index, out LinkState state) => _links.TryGetValue(index, out state);

    /// <summary>True if <paramref name="address"/>/<paramref name="prefixLength"/> is on interface <paramref name="ifIndex"/>.</summary>
    public bool HasAddress(int ifIndex, IpAddr address, byte prefixLength) => _addresses.Contains(new AddressKey(ifIndex, address, prefixLength));

    /// <summary>
    /// Reads the current state of the given links and queues a <see cref="NetlinkEventKind.LinkChanged"/>
    /// for each that changed. The kernel sends carrier changes through its linkwatch work,
    /// which runs at most once a second: a carrier loss within a second of any other link
    /// event in the namespace is announced up to a second late, while the flags read here are
    /// current. The event loop calls this for the interfaces it tracks every few tens of
    /// milliseconds (one netlink round trip each, no allocation) to see carrier loss at once.
    /// Returns the number of links that changed.
    /// </summary>
    public int PollLinks(ReadOnlySpan<int> indexes)
    {
        int before = _pending.Count;
        foreach (int index in indexes)
        {
            var writer = new NetlinkWriter(_pollRequest);
            writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST, _requests.NextSequence());
            writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index });
            writer.EndMessage();
            int errno = _requests.Get(writer.Written, _pollHandler);
            if (errno == Errno.ENODEV && _links.Remove(index, out LinkState gone))
                _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.LinkRemoved, gone, default));
        }
        return _pending.Count - before;
    }

    /// <summary>
    /// The next change, reading the socket when nothing is queued. False when everything
    /// pending has been reported (then wait for epoll again).
    /// </summary>
    public bool TryRead(out NetlinkEvent change)
    {
        while (!_pending.TryDequeue(out change))
        {
            int n = _events.TryReceive(out ReadOnlySpan<byte> datagram);
            if (n == 0) return false;
            if (n < 0)
            {
                if (-n == Errno.ENOBUFS) Resynchronize();
                else throw new NetlinkException("netlink monitor", "receive", -n);
                continue;
            }
            Process(datagram);
        }
        return true;
    }

    private void Process(ReadOnlySpan<byte> datagram)
    {
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out NetlinkMessage message))
        {
            switch (message.Type)
            {
                case Rtnl.RTM_NEWLINK when LinkState.TryRead(message, out LinkState link):
                    LinkSeen(link);
                    break;
                case Rtnl.RTM_DELLINK when LinkState.TryRead(message, out LinkState link):
                    if (_links.Remove(link.Index)) _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.LinkRemoved, link, default));
                    break;
                case Rtnl.RTM_NEWADDR when InterfaceAddress.TryRead(message, out InterfaceAddress address):
                    if (_addresses.Add(Key(address))) _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.AddressAdded, default, address));
                    break;
                case Rtnl.RTM_DELADDR when InterfaceAddress.TryRead(message, out InterfaceAddress address):
                    if (_addresses.Remove(Key(address))) _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.AddressRemoved, default, address));
                    break;
                case Rtnl.RTM_NEWLINK or Rtnl.RTM_DELLINK or Rtnl.RTM_NEWADDR or Rtnl.RTM_DELADDR:
                    MalformedMessages++;
                    break;
                case Rtm.RTM_DELROUTE or Rtm.RTM_DELRULE when message.PortId == _ownPortId && _ownPortId != 0:
                    break;
                case Rtm.RTM_DELROUTE when _watchRoutes:
                    // Most deletions are not ours (a busy table): the header says so before any attribute is read.
                    if (message.TryReadHeader(out RtMsg header) && header.Protocol == RouteManager.ProtocolTag && IpRoute.TryRead(message, out IpRoute route))
                        _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.RouteRemoved, default, default, Route: route));
                    break;
                case Rtm.RTM_DELRULE when _watchRules:
                    if (IpRule.TryRead(message, out IpRule rule) && rule.Protocol == RouteManager.ProtocolTag)
                        _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.RuleRemoved, default, default, Rule: rule));
                    break;
            }
        }
        if (reader.IsMalformed) MalformedMessages++;
    }

    private void LinkSeen(LinkState link)
    {
        if (_links.TryGetValue(link.Index, out LinkState known) && known == link) return;
        _links[link.Index] = link;
        _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.LinkChanged, link, default));
    }

    // ENOBUFS: notifications were lost. Discard what is queued (it predates the dump), re-read
    // everything and report the difference from what we knew.
    private void Resynchronize()
    {
        Overflows++;
        while (_events.TryReceive(out _) != 0) { }
        _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.Resynchronized, default, default));
        Reload(report: true);
    }

    private void Reload(bool report)
    {
        var links = new Dictionary<int, LinkState>();
        foreach (InterfaceInfo info in _linkManager.List()) links[info.Index] = info.State;
        var addresses = new Dictionary<AddressKey, InterfaceAddress>();
        foreach (InterfaceAddress a in _addressManager.List()) addresses[Key(a)] = a;

        if (report)
        {
            foreach ((int index, LinkState old) in _links)
                if (!links.ContainsKey(index)) _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.LinkRemoved, old, default));
            foreach ((int index, LinkState link) in links)
                if (!_links.TryGetValue(index, out LinkState old) || old != link) _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.LinkChanged, link, default));
            foreach (AddressKey key in _addresses)
                if (!addresses.ContainsKey(key))
                    _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.AddressRemoved, default, new InterfaceAddress(key.IfIndex, key.Address, key.PrefixLength, 0, 0, 0)));
            foreach ((AddressKey key, InterfaceAddress address) in addresses)
                if (!_addresses.Contains(key)) _pending.Enqueue(new NetlinkEvent(NetlinkEventKind.AddressAdded, default, address));
        }
        _links.Clear();
        foreach ((int index, LinkState link) in links) _links[index] = link;
        _addresses.Clear();
        foreach (AddressKey key in addresses.Keys) _addresses.Add(key);
    }

    private static AddressKey Key(in InterfaceAddress a) => new(a.IfIndex, a.Address, a.PrefixLength);

    /// <inheritdoc/>
    public void Dispose()
    {
        _events.Dispose();
        _requests.Dispose();
    }
}
