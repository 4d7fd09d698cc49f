using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Tracked virtual routes and rules deleted behind the routers' backs. keepalived 2.2.7 (as
/// measured in a namespace) answers the deletion of a tracked route or rule while Master by
/// sending priority 0, removing its addresses, routes and rules and entering Backup; it is
/// Master again after Skew_Time unless a peer takes over, and installs everything afresh. vrrpd
/// does the same (<see cref="VirtualRouter.HandleResign"/>). A deletion while not Master, or of
/// an untracked (<c>no_track</c>) route or rule, changes nothing.
/// </summary>
internal sealed class RoutingWatch(ILogger log, NetlinkMonitor monitor, RoutingOutput output, RouterSet routers, RouterDriver driver)
{
    /// <summary>Subscribes the monitor to route and rule events while some router tracks one (after a start or reload).</summary>
    public void Refresh() =>
        monitor.WatchRouting(routers.All.Any(r => r.Routing.TracksRoutes), routers.All.Any(r => r.Routing.TracksRules));

    public void OnRouteRemoved(in IpRoute deleted, Instant now)
    {
        foreach (HostedRouter r in routers.All)
        {
            if (IsInstalledMaster(r) && r.Routing.FindTrackedRoute(deleted) is int i and >= 0)
                Resign(r, "route " + r.Routing.RouteText[i], now);
        }
    }

    public void OnRuleRemoved(in IpRule deleted, Instant now)
    {
        foreach (HostedRouter r in routers.All)
        {
            if (IsInstalledMaster(r) && r.Routing.FindTrackedRule(deleted) is int i and >= 0)
                Resign(r, "rule " + r.Routing.RuleText[i], now);
        }
    }

    /// <summary>
    /// After a netlink overflow deletions may have been missed: every tracked route and rule of
    /// a Master is looked for in the kernel's tables.
    /// </summary>
    public void Verify(Instant now)
    {
        HostedRouter[] masters = [.. routers.All.Where(r => IsInstalledMaster(r) && (r.Routing.TracksRoutes || r.Routing.TracksRules))];
        if (masters.Length == 0)
            return;
        try
        {
            List<IpRoute> kernelRoutes = masters.Any(r => r.Routing.TracksRoutes) ? output.Routes.List() : [];
            List<IpRule> kernelRules = masters.Any(r => r.Routing.TracksRules) ? output.Rules.List() : [];
            foreach (HostedRouter r in masters)
            {
                HostedRouting routing = r.Routing;
                string? missing = null;
                for (int i = 0; i < routing.Routes.Length && missing is null; i++)
                {
                    IpRoute wanted = routing.Routes[i];
                    if (routing.RouteTracked[i] && !kernelRoutes.Any(k => wanted.Matches(k)))
                        missing = "route " + routing.RouteText[i];
                }
                for (int i = 0; i < routing.Rules.Length && missing is null; i++)
                {
                    IpRule wanted = routing.Rules[i];
                    if (routing.RuleTracked[i] && !kernelRules.Any(k => wanted.Matches(k)))
                        missing = "rule " + routing.RuleText[i];
                }
                if (missing is not null)
                    Resign(r, missing, now);
            }
        }
        catch (NetlinkException e)
        {
            RoutingLog.VerifyFailed(log, e.Message);
        }
    }

    private static bool IsInstalledMaster(HostedRouter r) => r.AddressesInstalled && r.Router.State == RouterState.Master;

    private void Resign(HostedRouter r, string what, Instant now)
    {
        RoutingLog.TrackedDeleted(log, r.Name, what);
        r.Routing.LastDeleted = what;
        r.Router.HandleResign(now);
        driver.Drain(r, now);
    }
}
