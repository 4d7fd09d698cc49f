using System.Diagnostics;
using Vrrp.Core.Wire;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>RouteManager, RuleManager and the monitor's route and rule events, in a namespace of their own.</summary>
public class RoutingNamespaceTests
{
    private const byte Keepalived = RouteManager.ProtocolTag;

    private sealed class Routing : IDisposable
    {
        public Routing()
        {
            Lab = new NetnsLab();
            try
            {
                string a = Lab.AddNamespace("a");
                string peer = Lab.AddNamespace("peer");
                Lab.AddVeth(a, "eth0", peer, "eth0");
                NetnsLab.Ip($"-n {a} addr add 10.1.0.1/24 dev eth0");
                NetnsLab.Ip($"-n {a} addr add fd00:1::1/64 dev eth0 nodad");
                Node = new Node(a);
                Routes = new RouteManager(Node.Netlink);
                Rules = new RuleManager(Node.Netlink);
            }
            catch
            {
                Lab.Dispose();
                throw;
            }
        }

        public NetnsLab Lab { get; }
        public Node Node { get; }
        public RouteManager Routes { get; }
        public RuleManager Rules { get; }
        public string Ip(string arguments) => Node.Ip(arguments);

        public void Dispose()
        {
            Node.Dispose();
            Lab.Dispose();
        }
    }

    private static IpRoute V4(string prefix, int length) => new() { Destination = IpAddr.Parse(prefix), PrefixLength = (byte)length, Protocol = Keepalived };

    [Fact]
    public void RoutesOfEveryKindAreAddedReadBackAndRemoved()
    {
        using var t = new Routing();
        int eth0 = t.Node.IfIndex;
        IpRoute[] routes =
        [
            V4("10.99.0.0", 24) with { Gateway = IpAddr.Parse("10.1.0.2"), OutputIfIndex = eth0, Metric = 5, PreferredSource = IpAddr.Parse("10.1.0.1") },
            V4("10.98.0.0", 24) with { Type = RouteType.Blackhole },
            V4("0.0.0.0", 0) with { Gateway = IpAddr.Parse("10.1.0.2"), OutputIfIndex = eth0, Table = 100 },
            V4("10.97.0.0", 24) with { OutputIfIndex = eth0, Scope = 253, Mtu = 1400, LockMtu = true },
            V4("10.96.0.0", 24) with { Gateway = IpAddr.Parse("192.0.2.1"), OutputIfIndex = eth0, OnLink = true },
            V4("10.95.0.0", 24) with { Type = RouteType.Unreachable, Table = 1000 },
            new IpRoute { Destination = IpAddr.Parse("fd00:99::"), PrefixLength = 64, Gateway = IpAddr.Parse("fd00:1::2"), OutputIfIndex = eth0, Protocol = Keepalived },
            V4("10.94.0.0", 24) with { Type = RouteType.Throw, Table = 100, Protocol = 4 },
        ];
        int[] errnos = new int[routes.Length];
        Assert.Equal(0, t.Routes.Add(routes, errnos));

        string shown = t.Ip("route show table all");
        Assert.Contains("10.99.0.0/24 via 10.1.0.2 dev eth0 proto keepalived src 10.1.0.1 metric 5", shown, StringComparison.Ordinal);
        Assert.Contains("blackhole 10.98.0.0/24 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("default via 10.1.0.2 dev eth0 table 100 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("10.97.0.0/24 dev eth0 proto keepalived scope link mtu lock 1400", shown, StringComparison.Ordinal);
        Assert.Contains("10.96.0.0/24 via 192.0.2.1 dev eth0 proto keepalived onlink", shown, StringComparison.Ordinal);
        Assert.Contains("unreachable 10.95.0.0/24 table 1000 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("fd00:99::/64 via fd00:1::2 dev eth0 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("throw 10.94.0.0/24 table 100 proto static", shown, StringComparison.Ordinal);

        // Read back: every route is found, with what the kernel filled in.
        List<IpRoute> listed = t.Routes.List();
        foreach (IpRoute r in routes)
            Assert.Single(listed, found => r.Matches(found));
        IpRoute v6 = listed.Single(r => r.Destination == IpAddr.Parse("fd00:99::"));
        Assert.Equal(1024u, v6.Metric);
        Assert.Equal((1400u, true), (listed.Single(r => routes[3].Matches(r)).Mtu!.Value, listed.Single(r => routes[3].Matches(r)).LockMtu));
        Assert.True(listed.Single(r => routes[4].Matches(r)).OnLink);

        // The same route again: EEXIST. A removal names the protocol: a route of another protocol stays.
        Assert.Equal(Errno.EEXIST, Assert.Throws<NetlinkException>(() => t.Routes.Add(routes[0])).Errno);
        t.Ip("route add 10.93.0.0/24 via 10.1.0.2 proto static");
        Assert.True(RouteManager.IsAbsent(Assert.Throws<NetlinkException>(() => t.Routes.Remove(V4("10.93.0.0", 24))).Errno));
        Assert.Contains("10.93.0.0/24", t.Ip("route show"), StringComparison.Ordinal);

        Assert.Equal(0, t.Routes.Remove(routes, errnos));
        shown = t.Ip("route show table all");
        foreach (string gone in new[] { "10.99.0.0", "10.98.0.0", "table 100", "10.97.0.0", "10.96.0.0", "10.95.0.0", "fd00:99::", "10.94.0.0" })
            Assert.DoesNotContain(gone, shown, StringComparison.Ordinal);
        Assert.Equal(routes.Length, t.Routes.Remove(routes, errnos));
        Assert.All(errnos, e => Assert.True(RouteManager.IsAbsent(e), Errno.Name(e)));
    }

    [Fact]
    public void RulesOfEveryKindAreAddedReadBackAndRemoved()
    {
        using var t = new Routing();
        IpRule[] rules =
        [
            new() { Family = IpFamily.IPv4, From = IpAddr.Parse("10.1.0.100"), FromPrefixLength = 32, Table = 100, Priority = 100, Protocol = Keepalived },
            new() { Family = IpFamily.IPv4, To = IpAddr.Parse("10.96.0.0"), ToPrefixLength = 24, Table = 1001, Priority = 101 },
            new() { Family = IpFamily.IPv4, FwMark = 0x10, FwMask = 0xff, Table = 100, Priority = 102, Protocol = Keepalived },
            new() { Family = IpFamily.IPv4, InputInterface = "eth0", Table = 100, Priority = 103, Protocol = Keepalived },
            new() { Family = IpFamily.IPv4, OutputInterface = "eth0", Action = RuleAction.Blackhole, Priority = 104, Protocol = Keepalived },
            new() { Family = IpFamily.IPv4, Action = RuleAction.Goto, GotoTarget = 200, Priority = 105, Protocol = Keepalived },
            new() { Family = IpFamily.IPv4, Invert = true, From = IpAddr.Parse("10.0.0.2"), FromPrefixLength = 32, Table = 100, Priority = 106, Protocol = Keepalived },
            new() { Family = IpFamily.IPv6, From = IpAddr.Parse("fd00::"), FromPrefixLength = 8, Action = RuleAction.Prohibit, Priority = 107, Protocol = Keepalived },
            new() { Family = IpFamily.IPv4, Table = 254, SuppressPrefixLength = 0, Priority = 108, Protocol = Keepalived },
        ];
        int[] errnos = new int[rules.Length];
        Assert.Equal(0, t.Rules.Add(rules, errnos));

        string shown = t.Ip("rule show") + t.Ip("-6 rule show");
        Assert.Contains("100:\tfrom 10.1.0.100 lookup 100 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("101:\tfrom all to 10.96.0.0/24 lookup 1001", shown, StringComparison.Ordinal);
        Assert.Contains("102:\tfrom all fwmark 0x10/0xff lookup 100 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("103:\tfrom all iif eth0 lookup 100 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("104:\tfrom all oif eth0 blackhole proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("105:\tfrom all goto 200", shown, StringComparison.Ordinal);
        Assert.Contains("106:\tnot from 10.0.0.2 lookup 100 proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("107:\tfrom fd00::/8 prohibit proto keepalived", shown, StringComparison.Ordinal);
        Assert.Contains("108:\tfrom all lookup main suppress_prefixlength 0 proto keepalived", shown, StringComparison.Ordinal);

        List<IpRule> listed = t.Rules.List();
        foreach (IpRule r in rules)
            Assert.Single(listed, found => r.Matches(found));

        // NLM_F_EXCL: the same rule again is EEXIST, not a second copy.
        Assert.Equal(Errno.EEXIST, Assert.Throws<NetlinkException>(() => t.Rules.Add(rules[0])).Errno);

        Assert.Equal(0, t.Rules.Remove(rules, errnos));
        shown = t.Ip("rule show") + t.Ip("-6 rule show");
        foreach (string gone in new[] { "100:", "101:", "102:", "103:", "104:", "105:", "106:", "107:", "108:" })
            Assert.DoesNotContain(gone, shown, StringComparison.Ordinal);
        Assert.Equal(Errno.ENOENT, Assert.Throws<NetlinkException>(() => t.Rules.Remove(rules[0])).Errno);
    }

    [Fact]
    public void HundredsOfRoutesGoInOneBatch()
    {
        using var t = new Routing();
        var routes = new IpRoute[300];
        for (int i = 0; i < routes.Length; i++)
            routes[i] = new IpRoute { Destination = IpAddr.FromV4(0x0A800000u + ((uint)i << 8)), PrefixLength = 24, Type = RouteType.Blackhole, Protocol = Keepalived };
        int[] errnos = new int[routes.Length];
        Assert.Equal(0, t.Routes.Add(routes, errnos));
        Assert.Equal(300, t.Routes.List(IpFamily.IPv4).Count(r => r.Type == RouteType.Blackhole));
        Assert.Equal(0, t.Routes.Remove(routes, errnos));
        Assert.DoesNotContain(t.Routes.List(IpFamily.IPv4), r => r.Type == RouteType.Blackhole);
    }

    [Fact]
    public void LeftoversOfAPreviousRunAreRemovedAndOthersKept()
    {
        using var t = new Routing();
        t.Ip("route add 10.50.0.0/24 via 10.1.0.2 proto keepalived");
        t.Ip("route add 10.51.0.0/24 via 10.1.0.2 proto static");
        t.Ip("route add blackhole 10.52.0.0/24 table 7 proto 99");
        t.Ip("rule add from 10.1.0.50 lookup 100 pref 50 proto keepalived");
        t.Ip("rule add to 10.1.0.51 lookup 100 pref 51");
        t.Ip("rule add to 10.1.0.52 lookup 100 pref 52");

        // A configured untracked route of another protocol and a rule without one are leftovers too.
        List<IpRoute> routes = t.Routes.RemoveLeftovers([V4("10.52.0.0", 24) with { Type = RouteType.Blackhole, Table = 7, Protocol = 99 }]);
        List<IpRule> rules = t.Rules.RemoveLeftovers([new IpRule { Family = IpFamily.IPv4, To = IpAddr.Parse("10.1.0.52"), ToPrefixLength = 32, Table = 100, Priority = 52 }]);

        Assert.Equal(["10.50.0.0", "10.52.0.0"], routes.Select(r => r.Destination.ToString()).Order());
        Assert.Equal([50u, 52u], rules.Select(r => r.Priority!.Value).Order());
        string shown = t.Ip("route show table all") + t.Ip("rule show");
        Assert.Contains("10.51.0.0/24", shown, StringComparison.Ordinal);
        Assert.Contains("51:", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("10.50.0.0", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("10.52.0.0", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("50:", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("52:", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMonitorReportsDeletedRoutesAndRulesOfOursOnlyWhileAskedTo()
    {
        using var t = new Routing();
        using NetlinkMonitor monitor = NetworkNamespace.Run(t.Node.Namespace, () => NetlinkMonitor.Open());
        IpRoute ours = V4("10.99.0.0", 24) with { Gateway = IpAddr.Parse("10.1.0.2"), OutputIfIndex = t.Node.IfIndex };
        var rule = new IpRule { Family = IpFamily.IPv4, From = IpAddr.Parse("10.1.0.100"), FromPrefixLength = 32, Table = 100, Priority = 100, Protocol = Keepalived };

        // Not watching: nothing is reported.
        t.Routes.Add(ours);
        t.Ip("route del 10.99.0.0/24");
        Assert.Null(Next(monitor, _ => true, TimeSpan.FromMilliseconds(300)));

        monitor.WatchRouting(routes: true, rules: true);
        t.Routes.Add(ours);
        t.Rules.Add(rule);
        t.Ip("route add 10.98.0.0/24 via 10.1.0.2 proto static");
        t.Ip("route del 10.98.0.0/24");
        t.Ip("route del 10.99.0.0/24");
        NetlinkEvent? route = Next(monitor, e => e.Kind is NetlinkEventKind.RouteRemoved, TimeSpan.FromSeconds(2));
        Assert.NotNull(route);
        Assert.True(ours.Matches(route.Value.Route), route.Value.Route.Describe());
        t.Ip("rule del pref 100");
        NetlinkEvent? removed = Next(monitor, e => e.Kind is NetlinkEventKind.RuleRemoved, TimeSpan.FromSeconds(2));
        Assert.NotNull(removed);
        Assert.True(rule.Matches(removed.Value.Rule), removed.Value.Rule.Describe());

        // Deletions the caller made itself (through the socket it names) are not reported.
        monitor.IgnoreRoutingChangesOf(t.Node.Netlink);
        Assert.NotEqual(0u, t.Node.Netlink.PortId);
        t.Routes.Add(ours);
        t.Rules.Add(rule);
        t.Routes.Remove(ours);
        t.Rules.Remove(rule);
        Assert.Null(Next(monitor, _ => true, TimeSpan.FromMilliseconds(300)));
        t.Routes.Add(ours);
        t.Ip("route del 10.99.0.0/24");
        Assert.NotNull(Next(monitor, e => e.Kind is NetlinkEventKind.RouteRemoved, TimeSpan.FromSeconds(2)));

        // Stopped watching: deletions are not reported any more.
        monitor.WatchRouting(routes: false, rules: false);
        t.Routes.Add(ours);
        t.Ip("route del 10.99.0.0/24");
        Assert.Null(Next(monitor, e => e.Kind is NetlinkEventKind.RouteRemoved, TimeSpan.FromMilliseconds(300)));
    }

    private static NetlinkEvent? Next(NetlinkMonitor monitor, Func<NetlinkEvent, bool> match, TimeSpan timeout)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < timeout; Thread.Sleep(10))
        {
            while (monitor.TryRead(out NetlinkEvent e))
            {
                if (e.Kind is NetlinkEventKind.RouteRemoved or NetlinkEventKind.RuleRemoved && match(e))
                    return e;
            }
        }
        return null;
    }
}
