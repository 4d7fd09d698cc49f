using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// A router's virtual routes and rules as netlink installs them (interfaces resolved, tracked
/// ones tagged with <see cref="RouteManager.ProtocolTag"/>), built once with the router, and
/// which of them are tracked. Installed and removed with the addresses.
/// </summary>
internal sealed class HostedRouting
{
    public static readonly HostedRouting None = new([], [], [], [], [], [], []);

    private HostedRouting(IpRoute[] routes, bool[] routeTracked, string[] routeText, string?[] routeDevices,
        IpRule[] rules, bool[] ruleTracked, string[] ruleText)
    {
        Routes = routes;
        RouteTracked = routeTracked;
        RouteText = routeText;
        RouteDevices = routeDevices;
        Rules = rules;
        RuleTracked = ruleTracked;
        RuleText = ruleText;
        TracksRoutes = routeTracked.Contains(true);
        TracksRules = ruleTracked.Contains(true);
    }

    public IpRoute[] Routes { get; }
    public bool[] RouteTracked { get; }

    /// <summary>Each route as installed, for status and messages.</summary>
    public string[] RouteText { get; }

    /// <summary>Each route's interface name, or null.</summary>
    public string?[] RouteDevices { get; }

    public IpRule[] Rules { get; }
    public bool[] RuleTracked { get; }
    public string[] RuleText { get; }

    public bool TracksRoutes { get; }
    public bool TracksRules { get; }

    /// <summary>What was deleted behind our back last, for the state change's reason.</summary>
    public string? LastDeleted { get; set; }

    /// <summary>The routes and rules of <paramref name="d"/>, their interfaces looked up now.</summary>
    /// <exception cref="HostBuildException">An interface a route names does not exist.</exception>
    public static HostedRouting Build(RouterDefinition d, LinkManager links)
    {
        if (d.Routes.Count == 0 && d.Rules.Count == 0)
            return None;
        var routes = new IpRoute[d.Routes.Count];
        var routeText = new string[routes.Length];
        var routeDevices = new string?[routes.Length];
        for (int i = 0; i < routes.Length; i++)
        {
            VirtualRouteDefinition v = d.Routes[i];
            int ifIndex = 0;
            if (v.Device is { } device)
                ifIndex = links.Find(device)?.Index ?? throw new HostBuildException(d.Name, $"virtual route {v}: no such interface {device}");
            routes[i] = v.Route with { OutputIfIndex = ifIndex, Protocol = v.Track ? RouteManager.ProtocolTag : v.Route.Protocol };
            routeText[i] = routes[i].Describe(v.Device) + (v.Track ? "" : " no_track");
            routeDevices[i] = v.Device;
        }
        var rules = new IpRule[d.Rules.Count];
        var ruleText = new string[rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            VirtualRuleDefinition v = d.Rules[i];
            foreach (string? name in (ReadOnlySpan<string?>)[v.Rule.InputInterface, v.Rule.OutputInterface])
            {
                if (name is not null && links.Find(name) is null)
                    throw new HostBuildException(d.Name, $"virtual rule {v}: no such interface {name}");
            }
            rules[i] = v.Track ? v.Rule with { Protocol = RouteManager.ProtocolTag } : v.Rule;
            ruleText[i] = rules[i].Describe() + (v.Track ? "" : " no_track");
        }
        return new HostedRouting(routes, [.. d.Routes.Select(r => r.Track)], routeText, routeDevices, rules, [.. d.Rules.Select(r => r.Track)], ruleText);
    }

    /// <summary>
    /// The interfaces tracked routes and rules name, each tracked as an interface of weight 0
    /// (Fault while down), as keepalived adds them to the instance's tracking; not again when
    /// already tracked so (the router's own interface, a weight-0 track_interface).
    /// </summary>
    public static IEnumerable<TrackerDefinition> DeviceTrackers(RouterDefinition d)
    {
        IEnumerable<string?> named = d.Routes.Where(r => r.Track).Select(r => r.Device)
            .Concat(d.Rules.Where(r => r.Track).SelectMany(r => new[] { r.Rule.InputInterface, r.Rule.OutputInterface }));
        return named.OfType<string>().Distinct(StringComparer.Ordinal)
            .Where(name => !(d.TrackInterface && name == d.Interface) && !d.Trackers.Any(t => t.Source == TrackerSource.Interface && t.Name == name && t.Weight == 0))
            .Select(name => new TrackerDefinition(TrackerSource.Interface, name, Kind: "route interface"));
    }

    /// <summary>The index of the tracked route <paramref name="deleted"/> is, or -1.</summary>
    public int FindTrackedRoute(in IpRoute deleted)
    {
        for (int i = 0; i < Routes.Length; i++)
        {
            if (RouteTracked[i] && Routes[i].Matches(deleted))
                return i;
        }
        return -1;
    }

    /// <summary>The index of the tracked rule <paramref name="deleted"/> is, or -1.</summary>
    public int FindTrackedRule(in IpRule deleted)
    {
        for (int i = 0; i < Rules.Length; i++)
        {
            if (RuleTracked[i] && Rules[i].Matches(deleted))
                return i;
        }
        return -1;
    }
}
