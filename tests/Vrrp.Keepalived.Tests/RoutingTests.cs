using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// virtual_routes and virtual_rules as keepalived 2.2.7 reads them; the messages and outcomes
/// were checked against keepalived -t and its JSON dump in a namespace.
/// </summary>
public class RoutingTests
{
    private static VrrpInstanceConfig WithRoutes(string routes) => OkInstance($"virtual_routes {{\n{routes}\n}}");

    private static VrrpInstanceConfig WithRules(string rules) => OkInstance($"virtual_rules {{\n{rules}\n}}");

    // The entry's line in Instance(...): the block starts at line 8, its first entry is line 9.
    private const int FirstEntryLine = 9;

    [Fact]
    public void Route_keywords_reach_the_model()
    {
        VrrpInstanceConfig i = WithRoutes("""
            src 192.168.1.1 to 10.99.0.0/24 via 192.168.1.254 dev eth0 table 200 metric 5 scope link onlink
            blackhole 10.98.0.0/24
            default via 192.168.1.254 dev eth0 table main
            unreachable 10.97.0.0/16 dev eth1 protocol keepalived no_track
            fd00:99::/64 via fd00::1 dev eth0 priority 7
            10.96.0.0/24 dev eth0 mtu lock 1400 tos 0x10 protocol static no_track
            throw 10.95.0.0/24 table 100 no_track
            fd00:98::/64 from fd00:1::/64 dev eth0 inet6
            """);
        VirtualRouteConfig[] r = [.. i.VirtualRoutes];
        Assert.Equal(8, r.Length);
        Assert.Equal(new VirtualRouteConfig
        {
            Destination = IpAddr.Parse("10.99.0.0"), PrefixLength = 24, PreferredSource = IpAddr.Parse("192.168.1.1"),
            Gateway = IpAddr.Parse("192.168.1.254"), Device = "eth0", Table = 200, Metric = 5, Scope = 253, OnLink = true,
        }, r[0]);
        // No interface: keepalived cannot track it, so it does not.
        Assert.Equal(new VirtualRouteConfig { Destination = IpAddr.Parse("10.98.0.0"), PrefixLength = 24, Type = VirtualRouteType.Blackhole, Track = false }, r[1]);
        Assert.Equal((IpAddr.Parse("0.0.0.0"), (byte)0, 254u, true), (r[2].Destination, r[2].PrefixLength, r[2].Table, r[2].Track));
        Assert.Equal((VirtualRouteType.Unreachable, "eth1", false, (byte)18), (r[3].Type, r[3].Device, r[3].Track, r[3].Protocol));
        Assert.Equal((IpAddr.Parse("fd00:99::"), (byte)64, IpAddr.Parse("fd00::1"), (uint?)7), (r[4].Destination, r[4].PrefixLength, r[4].Gateway, r[4].Metric));
        // An untracked route keeps its protocol.
        Assert.Equal(((uint?)1400, true, (byte)0x10, (byte)4), (r[5].Mtu, r[5].LockMtu, r[5].Tos, r[5].Protocol));
        Assert.Equal((VirtualRouteType.Throw, 100u), (r[6].Type, r[6].Table));
        Assert.Equal((IpAddr.Parse("fd00:1::"), (byte)64, IpFamily.IPv6), (r[7].Source!.Value, r[7].SourcePrefixLength, r[7].Destination.Family));
    }

    [Fact]
    public void Rule_keywords_reach_the_model()
    {
        VrrpInstanceConfig i = WithRules("""
            from 192.168.1.1 table 100 priority 100
            to 10.96.0.0/24 lookup main preference 101 no_track
            fwmark 0x10/0xff table 100 order 102
            iif eth0 table 100 priority 103
            oif eth1 blackhole priority 104
            goto 200 priority 105
            not from 10.0.0.2 table 100 priority 106
            from fd00::/8 prohibit priority 107
            type unreachable priority 108 protocol 99 no_track
            table 254 suppress_prefixlength 0 priority 109
            to all lookup 250 priority 32770
            nop priority 110 inet6
            """);
        VirtualRuleConfig[] r = [.. i.VirtualRules];
        Assert.Equal(12, r.Length);
        Assert.Equal(new VirtualRuleConfig { From = IpAddr.Parse("192.168.1.1"), FromPrefixLength = 32, Table = 100, Priority = 100, Protocol = 18 }, r[0]);
        // An untracked rule has no protocol, as keepalived's.
        Assert.Equal(new VirtualRuleConfig { To = IpAddr.Parse("10.96.0.0"), ToPrefixLength = 24, Table = 254, Priority = 101, Track = false }, r[1]);
        Assert.Equal(((uint?)0x10, (uint?)0xff, 102u), (r[2].FwMark, r[2].FwMask, r[2].Priority));
        Assert.Equal("eth0", r[3].InputInterface);
        Assert.Equal(("eth1", VirtualRuleAction.Blackhole), (r[4].OutputInterface, r[4].Action));
        Assert.Equal((VirtualRuleAction.Goto, 200u), (r[5].Action, r[5].GotoTarget));
        Assert.True(r[6].Invert);
        Assert.Equal((IpFamily.IPv6, VirtualRuleAction.Prohibit), (r[7].Family, r[7].Action));
        Assert.Equal((VirtualRuleAction.Unreachable, (byte)99), (r[8].Action, r[8].Protocol));
        Assert.Equal(0, r[9].SuppressPrefixLength);
        Assert.Equal((null, 250u, 32770u), (r[10].To, r[10].Table, r[10].Priority));
        Assert.Equal((IpFamily.IPv6, VirtualRuleAction.Nop), (r[11].Family, r[11].Action));
    }

    [Theory]
    [InlineData("10.0.0.0/8 via 10.1.2.3.4 dev eth0", "invalid route via address 10.1.2.3.4")]
    [InlineData("bogus dev eth0", "unknown route keyword bogus")]
    [InlineData("dev eth0 metric 5", "Route must have a destination")]
    [InlineData("10.0.0.0/8 via fd00::1 dev eth0", "Cannot mix IPv4 and IPv6 addresses for route")]
    [InlineData("10.0.0.0/8 dev eth0 table nosuchtable", "Routing table nosuchtable not found for route")]
    [InlineData("10.0.0.0/8 dev eth0 protocol nosuchproto", "Protocol nosuchproto not found or invalid for route")]
    [InlineData("10.0.0.0/8 dev eth0 scope nowhere2", "Scope nowhere2 not found or invalid for route")]
    [InlineData("10.0.0.0/8 dev eth0 metric -1", "Invalid metric -1 specified for route")]
    [InlineData("10.0.0.0/8 from 10.1.0.0/16 dev eth0", "route from address only supported with IPv6")]
    [InlineData("10.0.0.0/8 dev eth0 tos lots", "TOS value lots is invalid")]
    // keepalived 2.2.7 steps over the word after inet6: 'default' is lost.
    [InlineData("inet6 default via fe80::1 dev eth0", "Route must have a destination")]
    public void Routes_keepalived_drops_are_warnings_and_left_out(string route, string message)
    {
        string text = Instance($"virtual_routes {{\n{route}\n10.50.0.0/24 dev eth0\n}}");
        ConfigDiagnostic warning = AssertWarning(text, message);
        Assert.Equal(FirstEntryLine, warning.Location.Line);
        Assert.EndsWith("the entry is ignored, as keepalived does", warning.Message, StringComparison.Ordinal);
        VirtualRouteConfig kept = Assert.Single(Ok(text).Instances.Single().VirtualRoutes);
        Assert.Equal(IpAddr.Parse("10.50.0.0"), kept.Destination);
    }

    [Theory]
    [InlineData("from 10.0.0.0/8", "No action specified for rule - ignoring")]
    [InlineData("to 10.0.0.0/8 table 0 priority 5", "Table 0 is not valid")]
    [InlineData("goto 5 priority 9", "Invalid rule - preference 9 >= goto target 5")]
    [InlineData("goto 5", "Invalid rule - goto target 5 specified without preference")]
    [InlineData("table 100 blackhole priority 3", "Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule")]
    [InlineData("to 10.0.0.0/8 table 500 priority 14 inet6", "inet6 specified for IPv4 rule")]
    [InlineData("from 10.0.0.0/8 to fd00::/8 table 5 priority 1", "rule specification has mixed IPv4 and IPv6")]
    [InlineData("fwmark 0x10/zz table 5 priority 1", "Invalid rule fwmark 0x10/zz specified")]
    [InlineData("throw priority 1", "Invalid rule action throw")]
    [InlineData("frobnicate priority 1", "Unknown rule option frobnicate")]
    [InlineData("blackhole suppress_prefixlength 0 priority 1", "suppressor/realm specified for non table action - skipping")]
    // keepalived 2.2.7 steps over the word after inet6: 'from' is lost, the prefix is an unknown option.
    [InlineData("inet6 from fd00::/8 table 100 priority 11", "Unknown rule option fd00::/8")]
    public void Rules_keepalived_drops_are_warnings_and_left_out(string rule, string message)
    {
        string text = Instance($"virtual_rules {{\n{rule}\nfrom 10.50.0.1 table 7 priority 77\n}}");
        ConfigDiagnostic warning = AssertWarning(text, message);
        Assert.Equal(FirstEntryLine, warning.Location.Line);
        VirtualRuleConfig kept = Assert.Single(Ok(text).Instances.Single().VirtualRules);
        Assert.Equal(77u, kept.Priority);
    }

    [Fact]
    public void Keepalived_corrections_are_warnings_with_what_was_assumed()
    {
        string text = Instance("""
            virtual_routes {
                10.1.0.0/33 dev eth0
                10.2.0.0/24 gw 192.168.1.254 dev eth0
                10.3.0.0/24 via 192.168.1.254 dev eth0 protocol static
                blackhole 10.4.0.0/24
            }
            virtual_rules {
                from 10.0.0.1 table 100 protocol 3
            }
            """);
        AssertWarning(text, "Invalid address prefix len 33 for address 10.1.0.0/33 - using 32");
        AssertWarning(text, "\"gw\" for routes is deprecated. Please use \"via\"");
        AssertWarning(text, "Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
        AssertWarning(text, "Warning - cannot track route 10.4.0.0/24 with no interface specified, not tracking");
        AssertWarning(text, "Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
        VrrpInstanceConfig i = Ok(text).Instances.Single();
        Assert.Equal(32, i.VirtualRoutes[0].PrefixLength);
        Assert.Equal(IpAddr.Parse("192.168.1.254"), i.VirtualRoutes[1].Gateway);
        Assert.Equal((byte)18, i.VirtualRoutes[2].Protocol);
        Assert.False(i.VirtualRoutes[3].Track);
        Assert.Equal((byte)18, i.VirtualRules[0].Protocol);
    }

    [Fact]
    public void Rules_without_a_preference_are_numbered_from_16384_down_per_family_across_instances()
    {
        string text = Instance("virtual_rules {\n from 10.0.0.1 table 100\n from fd00::1 table 100\n from 10.0.0.2 table 100\n}") + """

            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 52
                virtual_ipaddress {
                    192.168.1.2
                }
                virtual_rules {
                    from 10.0.0.3 table 100
                }
            }
            """;
        KeepalivedConfig config = Ok(text);
        Assert.Equal([16384u, 16384u, 16383u], config.Instances[0].VirtualRules.Select(r => r.Priority));
        Assert.Equal(16382u, config.Instances[1].VirtualRules.Single().Priority);
        AssertWarning(text, "Rule has no preference specified - setting to 16384. This is probably not what you want.");
        // A second load counts afresh.
        Assert.Equal(16384u, Ok(text).Instances[0].VirtualRules[0].Priority);
    }

    [Fact]
    public void The_word_after_inet6_is_skipped_as_keepalived_2_2_7_does_and_said_so()
    {
        ConfigDiagnostic warning = AssertWarning(Instance("virtual_routes {\n fd00:2::/64 dev eth0 inet6 onlink\n}"),
            "keepalived 2.2.7 skips the word after 'inet6' ('onlink'), and so does vrrpd");
        Assert.Equal(FirstEntryLine, warning.Location.Line);
        Assert.False(WithRoutes("fd00:2::/64 dev eth0 inet6 onlink").VirtualRoutes[0].OnLink);
    }

    [Theory]
    [InlineData("virtual_routes {\n 10.0.0.0/8 via\n}", "virtual_routes '10.0.0.0/8 via': 'via' needs a value")]
    [InlineData("virtual_routes {\n 10.0.0.0/8 blackhole\n}", "'blackhole' needs a value")]
    [InlineData("virtual_rules {\n from 10.0.0.1 table\n}", "'table' needs a value")]
    [InlineData("virtual_routes {\n 10.0.0.0/8 nexthop via 10.1.1.1 dev eth0\n}", "route option 'nexthop' is not supported by vrrpd")]
    [InlineData("virtual_routes {\n 10.0.0.0/8 dev eth0 realms 5\n}", "route option 'realms' is not supported by vrrpd")]
    [InlineData("virtual_rules {\n uidrange 1-2 table 5 priority 1\n}", "rule option 'uidrange' is not supported by vrrpd")]
    [InlineData("virtual_routes {\n 10.0.0.0/8 dev eth0/1\n}", "not a valid interface name")]
    public void What_stops_keepalived_or_vrrpd_cannot_do_is_an_error(string block, string message) =>
        AssertError(Instance(block), FirstEntryLine, message);

    [Fact]
    public void Equal_configurations_compare_equal_so_a_reload_keeps_the_router()
    {
        string text = Instance("virtual_routes {\n 10.0.0.0/8 via 192.168.1.254 dev eth0\n}\nvirtual_rules {\n from 10.0.0.1 table 100 priority 5\n}");
        Assert.Equal(Ok(text).Instances.Single(), Ok(text).Instances.Single());
        Assert.NotEqual(Ok(text).Instances.Single(), Ok(text.Replace("priority 5", "priority 6", StringComparison.Ordinal)).Instances.Single());
    }
}
