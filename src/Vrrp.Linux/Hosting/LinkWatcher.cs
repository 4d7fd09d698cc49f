using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// What the kernel says about links and addresses, as it concerns the routers: a link's carrier
/// or admin state moves the routers on it or tracking it (Fault, recovery, weights); a virtual
/// address someone else removed while its router is Master is put back; a tracked virtual
/// route or rule deleted goes to <see cref="RoutingWatch"/>. Events come from the netlink monitor; links routers watch are also polled, since a veth's carrier can change
/// without an event.
/// </summary>
internal sealed class LinkWatcher(ILogger log, NetlinkMonitor monitor, AddressManager addresses, EndpointPool pool, RouterSet routers, RouterDriver driver, RoutingWatch routing)
    : IReadyHandler
{
    private static readonly TimeSpan LinkPollInterval = TimeSpan.FromMilliseconds(50);
    private readonly Dictionary<int, bool> _linkUp = [];
    private int[] _polledLinks = [];

    /// <summary>When links are polled next.</summary>
    public Instant PollAt { get; set; }

    /// <summary>Netlink events are waiting.</summary>
    public void OnReady() => Process(EventLoop.Now());

    /// <summary>Polls the watched links when due (every 50 ms while there are any, else every <paramref name="idleInterval"/>).</summary>
    public void PollIfDue(Instant now, TimeSpan idleInterval)
    {
        if (PollAt > now)
            return;
        PollAt = now + (_polledLinks.Length > 0 ? LinkPollInterval : idleInterval);
        if (_polledLinks.Length > 0)
        {
            monitor.PollLinks(_polledLinks);
            Process(now);
        }
    }

    public void Process(Instant now)
    {
        try
        {
            while (monitor.TryRead(out NetlinkEvent e))
            {
                switch (e.Kind)
                {
                    case NetlinkEventKind.LinkChanged:
                        OnLink(e.Link.Index, e.Link.IsOperational, now);
                        break;
                    case NetlinkEventKind.LinkRemoved:
                        OnLink(e.Link.Index, false, now);
                        break;
                    case NetlinkEventKind.AddressRemoved:
                        OnAddressRemoved(e.Address);
                        break;
                    case NetlinkEventKind.Resynchronized:
                        HostLog.NetlinkResynchronized(log, monitor.Overflows);
                        routing.Verify(now);
                        break;
                    case NetlinkEventKind.RouteRemoved:
                        routing.OnRouteRemoved(e.Route, now);
                        break;
                    case NetlinkEventKind.RuleRemoved:
                        routing.OnRuleRemoved(e.Rule, now);
                        break;
                }
            }
        }
        catch (NetlinkException e)
        {
            HostLog.NetlinkError(log, e.Message);
        }
    }

    /// <summary>The links the routers watch (their own, tracked ones), after a start or reload.</summary>
    public void Refresh()
    {
        var indexes = new HashSet<int>();
        foreach (HostedRouter r in routers.All)
        {
            if (r.TracksOwnInterface)
                indexes.Add(r.Interface!.Index);
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                if (r.Trackers[i].Source == TrackerSource.Interface)
                    indexes.Add(r.TrackerIfIndex[i]);
            }
        }
        _polledLinks = [.. indexes.Order()];
        routing.Refresh();
        // Known from the start, so a later change updates an entry rather than adding one.
        foreach (int index in _polledLinks)
        {
            if (!_linkUp.ContainsKey(index))
                _linkUp[index] = !monitor.TryGetLink(index, out LinkState link) || link.IsOperational;
        }
    }

    // Carrier or admin state of a link changed: Fault or recovery for the routers on it or
    // tracking it (keepalived: an instance's interface going down means FAULT).
    private void OnLink(int ifIndex, bool up, Instant now)
    {
        bool known = _linkUp.TryGetValue(ifIndex, out bool before);
        if (known && before == up)
            return;
        _linkUp[ifIndex] = up;
        bool relevant = Array.IndexOf(_polledLinks, ifIndex) >= 0;
        foreach (ReceiveEndpoint e in pool.Endpoints)
        {
            if (e is HostInterface iface && iface.Index == ifIndex)
            {
                iface.LinkUp = up;
                relevant = true;
            }
        }
        if (relevant && (known || !up))
            HostLog.LinkChanged(log, pool.InterfaceName(ifIndex), up ? "up" : "down");
        foreach (HostedRouter r in routers.All)
        {
            bool touched = false;
            if (r.TracksOwnInterface && r.Interface!.Index == ifIndex)
            {
                r.Router.SetInterfaceUp(now, up);
                touched = true;
            }
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                if (r.Trackers[i].Source == TrackerSource.Interface && r.TrackerIfIndex[i] == ifIndex)
                {
                    r.Router.SetTrackerState(now, i, up);
                    touched = true;
                }
            }
            if (touched)
                driver.Drain(r, now);
        }
    }

    // A virtual address removed while its router is Master was removed by someone else: put it back.
    private void OnAddressRemoved(in InterfaceAddress removed)
    {
        foreach (HostedRouter r in routers.All)
        {
            if (!r.AddressesInstalled || r.Router.State != RouterState.Master)
                continue;
            if (!r.Owns(removed.IfIndex, removed.Address, removed.PrefixLength, out int index))
                continue;
            try
            {
                addresses.Add(r.Addresses[index]);
                HostLog.AddressRestored(log, r.Name, removed.Address.ToString(), removed.PrefixLength, r.AddressInterfaceNames[index]);
            }
            catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
            {
                // Already back (our own add raced the event).
            }
            catch (NetlinkException e)
            {
                HostLog.AddressFailed(log, r.Name, e.Message);
            }
        }
    }
}
