namespace Vrrp.Linux.Hosting;

/// <summary>
/// One route a router installs while Master, after its addresses (a route may name one of them
/// as its source), and removes when it stops being Master (keepalived <c>virtual_routes</c>).
/// </summary>
/// <remarks>
/// A tracked route is installed with <see cref="RouteManager.ProtocolTag"/> whatever
/// <see cref="IpRoute.Protocol"/> says, so its deletion can be told from others; deleted by
/// someone else while its router is Master, the router gives way
/// (<see cref="Vrrp.Core.Router.VirtualRouter.HandleResign"/>) and installs it again when it is
/// Master again, as keepalived does. Its <see cref="Device"/> is tracked as an interface of
/// weight 0: while it is down the router is in Fault. An untracked route is left alone.
/// </remarks>
/// <param name="Route">The route; its <see cref="IpRoute.OutputIfIndex"/> is ignored (see <see cref="Device"/>).</param>
/// <param name="Device">The output interface by name (<c>dev</c>), resolved when the router is built; null for none.</param>
/// <param name="Track">False for keepalived's <c>no_track</c>.</param>
public sealed record VirtualRouteDefinition(IpRoute Route, string? Device = null, bool Track = true)
{
    /// <summary>The route as <c>ip route</c> writes it, with <c>no_track</c> when untracked.</summary>
    public override string ToString() => Route.Describe(Device) + (Track ? "" : " no_track");
}

/// <summary>
/// One routing policy rule a router installs while Master, after its routes, and removes first
/// when it stops being Master (keepalived <c>virtual_rules</c>).
/// </summary>
/// <remarks>
/// A tracked rule is installed with <see cref="RouteManager.ProtocolTag"/> and behaves as a
/// tracked route does (<see cref="VirtualRouteDefinition"/>); its <see cref="IpRule.InputInterface"/>
/// and <see cref="IpRule.OutputInterface"/> are tracked as interfaces of weight 0. An untracked
/// rule keeps <see cref="IpRule.Protocol"/> as given (keepalived gives it none).
/// </remarks>
/// <param name="Rule">The rule.</param>
/// <param name="Track">False for keepalived's <c>no_track</c>.</param>
public sealed record VirtualRuleDefinition(IpRule Rule, bool Track = true)
{
    /// <summary>The rule as <c>ip rule</c> writes it, with <c>no_track</c> when untracked.</summary>
    public override string ToString() => Rule.Describe() + (Track ? "" : " no_track");
}
