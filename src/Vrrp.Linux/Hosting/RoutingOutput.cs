using Microsoft.Extensions.Logging;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Installs and removes the routers' virtual routes and rules, one netlink batch per kind for a
/// run of routers: routes after the addresses and rules after the routes when they become
/// Master; rules, then routes, before the addresses when they stop (keepalived's order). A
/// failure is logged and the router carries on, as keepalived does.
/// </summary>
internal sealed class RoutingOutput(ILogger log, RouteManager routes, RuleManager rules)
{
    private IpRoute[] _routes = new IpRoute[16];
    private IpRule[] _rules = new IpRule[16];
    private int[] _errnos = new int[16];

    public RouteManager Routes => routes;
    public RuleManager Rules => rules;

    /// <summary>Adds (or removes) the routes and rules of the routers of <paramref name="ops"/>[start..end).</summary>
    public void Apply(List<(HostedRouter Router, bool Add)> ops, int start, int end, bool add)
    {
        if (add)
        {
            ApplyRoutes(ops, start, end, add);
            ApplyRules(ops, start, end, add);
        }
        else
        {
            ApplyRules(ops, start, end, add);
            ApplyRoutes(ops, start, end, add);
        }
    }

    private void ApplyRoutes(List<(HostedRouter Router, bool Add)> ops, int start, int end, bool add)
    {
        int n = 0;
        for (int i = start; i < end; i++)
            n += ops[i].Router.Routing.Routes.Length;
        if (n == 0)
            return;
        Grow(ref _routes, n);
        Grow(ref _errnos, n);
        n = 0;
        for (int i = start; i < end; i++)
        {
            IpRoute[] mine = ops[i].Router.Routing.Routes;
            mine.CopyTo(_routes, n);
            n += mine.Length;
        }
        int failed = add ? routes.Add(_routes.AsSpan(0, n), _errnos) : routes.Remove(_routes.AsSpan(0, n), _errnos);
        if (failed == 0)
            return;
        n = 0;
        for (int i = start; i < end; i++)
        {
            HostedRouting r = ops[i].Router.Routing;
            for (int j = 0; j < r.Routes.Length; j++, n++)
            {
                int errno = _errnos[n];
                // Already there when adding, already gone when removing: the goal is reached.
                if (errno == 0 || (add ? errno == Errno.EEXIST : RouteManager.IsAbsent(errno)))
                    continue;
                RoutingLog.Failed(log, ops[i].Router.Name, RouteManager.Error(r.Routes[j], add, errno, r.RouteDevices[j], routes.LastKernelMessage).Message);
            }
        }
    }

    private void ApplyRules(List<(HostedRouter Router, bool Add)> ops, int start, int end, bool add)
    {
        int n = 0;
        for (int i = start; i < end; i++)
            n += ops[i].Router.Routing.Rules.Length;
        if (n == 0)
            return;
        Grow(ref _rules, n);
        Grow(ref _errnos, n);
        n = 0;
        for (int i = start; i < end; i++)
        {
            IpRule[] mine = ops[i].Router.Routing.Rules;
            mine.CopyTo(_rules, n);
            n += mine.Length;
        }
        int failed = add ? rules.Add(_rules.AsSpan(0, n), _errnos) : rules.Remove(_rules.AsSpan(0, n), _errnos);
        if (failed == 0)
            return;
        n = 0;
        for (int i = start; i < end; i++)
        {
            HostedRouting r = ops[i].Router.Routing;
            for (int j = 0; j < r.Rules.Length; j++, n++)
            {
                int errno = _errnos[n];
                if (errno == 0 || errno == (add ? Errno.EEXIST : Errno.ENOENT))
                    continue;
                RoutingLog.Failed(log, ops[i].Router.Name, RuleManager.Error(r.Rules[j], add, errno, rules.LastKernelMessage).Message);
            }
        }
    }

    /// <summary>
    /// Startup: routes and rules tagged as ours (a previous run that died, or keepalived) and
    /// exact copies of the configured ones go, as keepalived removes its own at startup.
    /// </summary>
    public void RemoveLeftovers(IEnumerable<HostedRouter> built, Func<int, string> interfaceName)
    {
        HostedRouter[] all = [.. built];
        IpRoute[] configuredRoutes = [.. all.SelectMany(r => r.Routing.Routes)];
        IpRule[] configuredRules = [.. all.SelectMany(r => r.Routing.Rules)];
        try
        {
            foreach (IpRule rule in rules.RemoveLeftovers(configuredRules))
                RoutingLog.LeftoverRemoved(log, "rule " + rule.Describe());
            foreach (IpRoute route in routes.RemoveLeftovers(configuredRoutes))
                RoutingLog.LeftoverRemoved(log, "route " + route.Describe(route.OutputIfIndex == 0 ? null : interfaceName(route.OutputIfIndex)));
        }
        catch (NetlinkException e)
        {
            RoutingLog.LeftoverFailed(log, e.Message);
        }
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
            Array.Resize(ref array, Math.Max(length, array.Length * 2));
    }
}
