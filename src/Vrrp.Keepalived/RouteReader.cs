using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>
/// The entries of <c>virtual_routes</c>, read as keepalived 2.2.7 reads them (<c>ip route</c>
/// syntax, no abbreviations). What keepalived reports and then drops (a bad address, an
/// unknown table) is a warning and the route is left out, as keepalived leaves it out; a word
/// missing after a keyword stops keepalived altogether and is an error; what keepalived
/// accepts and vrrpd does not implement (nexthop lists, encapsulation, TCP metrics) is an error.
/// </summary>
internal static class RouteReader
{
    private static readonly string[] Unsupported =
        ["as", "encap", "expires", "hoplimit", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "realms",
         "rto_min", "initcwnd", "initrwnd", "features", "quickack", "congctl", "pref", "ttl-propagate", "fastopen_no_cookie",
         "or", "nexthop", "track_group"];

    public static void Read(ValueReader values, ConfigNode block, List<(VirtualRouteConfig Route, ConfigNode Node)> into)
    {
        foreach (ConfigNode entry in BlockReader.Entries(block, values))
        {
            if (ReadRoute(values, entry) is VirtualRouteConfig route)
                into.Add((route, entry));
        }
    }

    private static VirtualRouteConfig? ReadRoute(ValueReader values, ConfigNode entry)
    {
        var words = new RoutingWords(values, entry, "virtual_routes", "Cannot mix IPv4 and IPv6 addresses for route");
        var route = new VirtualRouteConfig { Destination = default, PrefixLength = 0 };
        IpFamily family = IpFamily.None;
        bool destinationSet = false, protocolGiven = false;
        string? destinationText = null;
        try
        {
            while (words.More)
            {
                string word = words.Next();
                switch (word)
                {
                    case "inet" or "inet6":
                        words.SetFamily(ref family, word == "inet6" ? IpFamily.IPv6 : IpFamily.IPv4, $"{word} specified for {(word == "inet6" ? "IPv4" : "IPv6")} route");
                        words.SkipAfterFamilyWord(word);
                        break;
                    case "src":
                        route = route with { PreferredSource = words.Address(ref family, "invalid route src address") };
                        break;
                    case "via" or "gw":
                        if (word == "gw")
                            words.Warning("\"gw\" for routes is deprecated. Please use \"via\"");
                        string via = words.Value(word);
                        if (via is "inet" or "inet6")
                        {
                            words.SetFamily(ref family, via == "inet6" ? IpFamily.IPv6 : IpFamily.IPv4, "Cannot mix IPv4 and IPv6 addresses for route");
                        }
                        else
                        {
                            words.Back();
                        }
                        route = route with { Gateway = words.Address(ref family, "invalid route via address") };
                        break;
                    case "from":
                        (IpAddr source, byte sourceLength) = words.Prefix(ref family, "invalid route from address {0}", out _);
                        if (source.Family != IpFamily.IPv6)
                            words.Drop($"route from address only supported with IPv6 ({source})");
                        route = route with { Source = source, SourcePrefixLength = sourceLength };
                        break;
                    case "tos" or "dsfield":
                        route = route with { Tos = words.Named(RoutingNames.TryTos, word, "TOS value {0} is invalid") };
                        break;
                    case "table":
                        route = route with { Table = words.Table(word, "Routing table {0} not found for route") };
                        break;
                    case "protocol":
                        route = route with { Protocol = words.Named(RoutingNames.TryProtocol, word, "Protocol {0} not found or invalid for route") };
                        protocolGiven = true;
                        break;
                    case "scope":
                        route = route with { Scope = words.Named(RoutingNames.TryScope, word, "Scope {0} not found or invalid for route") };
                        break;
                    case "metric" or "priority" or "preference":
                        route = route with { Metric = (uint)words.Number(word, uint.MaxValue, "Invalid metric {0} specified for route") };
                        break;
                    case "dev" or "oif":
                        route = route with { Device = words.Interface(word) };
                        break;
                    case "onlink":
                        route = route with { OnLink = true };
                        break;
                    case "mtu":
                        bool locked = words.Value(word) == "lock";
                        if (!locked)
                            words.Back();
                        route = route with { LockMtu = locked, Mtu = (uint)words.Number(word, uint.MaxValue, "Invalid MTU {0} specified for route") };
                        break;
                    case "no_track":
                        route = route with { Track = false };
                        break;
                    default:
                        if (Unsupported.Contains(word))
                            words.Refuse($"route option '{word}' is not supported by vrrpd");
                        // [to] [TYPE] PREFIX: keepalived tests the type only on the word itself, so "to blackhole X" does not parse.
                        if (word == "to")
                            word = words.Value("to");
                        else if (RoutingNames.TryRouteType(word, out VirtualRouteType type))
                        {
                            route = route with { Type = type };
                            word = words.Value(word);
                        }
                        destinationText = word;
                        words.Back();
                        (IpAddr destination, byte length) = words.Prefix(ref family, "unknown route keyword {0}", out bool any);
                        if (any)
                            destination = default;
                        route = route with { Destination = destination, PrefixLength = length };
                        destinationSet = true;
                        break;
                }
            }
        }
        catch (RoutingWords.Dropped)
        {
            return null;
        }
        if (!destinationSet)
        {
            words.DropQuietly("Route must have a destination");
            return null;
        }
        if (family == IpFamily.None)
            family = IpFamily.IPv4;
        if (route.Destination.Family == IpFamily.None)
            route = route with { Destination = family == IpFamily.IPv6 ? IpAddr.FromV6(0, 0) : IpAddr.FromV4(0) };
        if (route.Track)
        {
            if (protocolGiven && route.Protocol != 18)
                words.Warning("Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
            route = route with { Protocol = 18 };
            if (route.Device is null)
            {
                words.Warning($"Warning - cannot track route {destinationText} with no interface specified, not tracking");
                route = route with { Track = false };
            }
        }
        return route;
    }
}
