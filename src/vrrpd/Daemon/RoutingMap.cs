using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using Vrrp.Linux;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Daemon;

/// <summary><c>virtual_routes</c> and <c>virtual_rules</c> entries in the host's terms.</summary>
internal static class RoutingMap
{
    public static VirtualRouteDefinition Route(VirtualRouteConfig r) => new(new IpRoute
    {
        Destination = r.Destination,
        PrefixLength = r.PrefixLength,
        Source = r.Source ?? default,
        SourcePrefixLength = r.SourcePrefixLength,
        PreferredSource = r.PreferredSource ?? default,
        Gateway = r.Gateway ?? default,
        Table = r.Table,
        Metric = r.Metric,
        Protocol = r.Protocol,
        Scope = r.Scope,
        Type = (RouteType)r.Type,
        Tos = r.Tos,
        OnLink = r.OnLink,
        Mtu = r.Mtu,
        LockMtu = r.LockMtu,
    }, r.Device, r.Track);

    public static VirtualRuleDefinition Rule(VirtualRuleConfig r) => new(new IpRule
    {
        Family = r.Family,
        From = r.From ?? default,
        FromPrefixLength = r.FromPrefixLength,
        To = r.To ?? default,
        ToPrefixLength = r.ToPrefixLength,
        Invert = r.Invert,
        Tos = r.Tos,
        Priority = r.Priority,
        Action = (RuleAction)r.Action,
        Table = r.Table,
        GotoTarget = r.GotoTarget,
        FwMark = r.FwMark,
        FwMask = r.FwMask,
        InputInterface = r.InputInterface,
        OutputInterface = r.OutputInterface,
        Protocol = r.Protocol,
        SuppressPrefixLength = r.SuppressPrefixLength,
    }, r.Track);
}
