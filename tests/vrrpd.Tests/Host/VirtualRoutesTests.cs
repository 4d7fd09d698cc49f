using System.Text.Json;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// virtual_routes and virtual_rules with the vrrpd binary in namespaces: installed with the
/// addresses on becoming Master, removed on failover and at SIGTERM, a deleted tracked one
/// answered as keepalived 2.2.7 answers it (priority 0, Backup, Master again after Skew_Time,
/// everything installed afresh), a no_track one left alone, leftovers removed at startup.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class VirtualRoutesTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private static string Config(int priority, string extra = "") => FailoverTests.Config(priority, $$"""
        virtual_routes {
                10.99.0.0/24 via 10.9.0.254 dev eth0
                blackhole 10.98.0.0/24
                default via 10.9.0.254 dev eth0 table 100
                10.97.0.0/24 via 10.9.0.254 dev eth0 no_track
                fd00:99::/64 dev eth0 metric 7
            }
            virtual_rules {
                from 10.9.0.100 table 100 priority 100
                to 10.96.0.0/24 table 100 priority 101 no_track
                from fd00:1::/64 table 100 priority 200
            }
            {{extra}}
        """);

    // What `ip route` and `ip rule` print for the configuration above.
    private static readonly string[] Installed =
    [
        "10.99.0.0/24 via 10.9.0.254 dev eth0 proto keepalived",
        "blackhole 10.98.0.0/24 proto keepalived",
        "default via 10.9.0.254 dev eth0 table 100 proto keepalived",
        "10.97.0.0/24 via 10.9.0.254 dev eth0 proto keepalived",
        "100:\tfrom 10.9.0.100 lookup 100 proto keepalived",
        "101:\tfrom all to 10.96.0.0/24 lookup 100",
        "fd00:99::/64 dev eth0 proto keepalived metric 7",
        "200:\tfrom fd00:1::/64 lookup 100 proto keepalived",
    ];

    private static string Routing(DaemonLab lab, int n)
    {
        string ns = lab.Members[n - 1];
        return NetnsLab.Ip($"-n {ns} route show table all") + NetnsLab.Ip($"-n {ns} -6 route show table all")
            + NetnsLab.Ip($"-n {ns} rule show") + NetnsLab.Ip($"-n {ns} -6 rule show");
    }

    private static bool HasAll(DaemonLab lab, int n) => Installed.All(Routing(lab, n).Contains);

    private static bool HasNone(DaemonLab lab, int n)
    {
        string shown = Routing(lab, n);
        return !Installed.Any(shown.Contains) && !shown.Contains("proto keepalived", StringComparison.Ordinal);
    }

    private static void WaitFor(Func<bool> condition, string what) => NetnsLab.WaitUntil(condition, Settle, what);

    [Fact]
    public void Routes_and_rules_follow_the_master_across_failover_and_leave_at_SIGTERM()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        WaitFor(() => HasAll(lab, 1), "r1's routes and rules");
        Assert.True(HasNone(lab, 2), Routing(lab, 2));

        // Status shows them as installed, untracked ones marked.
        JsonElement status = r1.Instance();
        Assert.True(status.GetProperty("addresses_installed").GetBoolean());
        string[] routes = [.. status.GetProperty("virtual_routes").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(["10.99.0.0/24 via 10.9.0.254 dev eth0 proto 18", "blackhole 10.98.0.0/24 proto 18 no_track",
            "default via 10.9.0.254 dev eth0 table 100 proto 18", "10.97.0.0/24 via 10.9.0.254 dev eth0 proto 18 no_track",
            "fd00:99::/64 dev eth0 proto 18 metric 7"], routes);
        Assert.Equal(3, status.GetProperty("virtual_rules").GetArrayLength());

        // Failover: r1's cable pulled, r1 in FAULT without them, r2 Master with them.
        lab.SetCable(1, up: false);
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.True(r1.WaitForState("FAULT", Settle), r1.Output);
        WaitFor(() => HasAll(lab, 2), "r2's routes and rules after failover");
        WaitFor(() => HasNone(lab, 1), "r1 without routes and rules in FAULT");

        // Back: r1 preempts, the routes move back.
        lab.SetCable(1, up: true);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        WaitFor(() => HasAll(lab, 1) && HasNone(lab, 2), "routes and rules back on r1 only");

        // SIGTERM: r1 removes everything, r2 takes over with them.
        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(Settle), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        Assert.True(HasNone(lab, 1), Routing(lab, 1));
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        WaitFor(() => HasAll(lab, 2), "r2's routes and rules after r1 stopped");
        r2.Signal("TERM");
        Assert.True(r2.WaitForExit(Settle), r2.Output);
        Assert.True(HasNone(lab, 2), Routing(lab, 2));
    }

    [Fact]
    public void A_deleted_tracked_route_or_rule_takes_the_master_out_and_back_and_no_track_ones_are_left_alone()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        WaitFor(() => HasAll(lab, 1), "r1's routes and rules");
        string ns = lab.Members[0];

        // no_track: deleted by hand, nothing happens and nothing puts them back.
        NetnsLab.Ip($"-n {ns} route del 10.97.0.0/24");
        NetnsLab.Ip($"-n {ns} rule del pref 101");
        int mark = r1.LineCount;
        Thread.Sleep(500);
        Assert.Equal("MASTER", r1.State());
        Assert.Equal(0, r1.Instance().GetProperty("counters").GetProperty("released_master").GetInt64());
        Assert.DoesNotContain("10.97.0.0/24", Routing(lab, 1), StringComparison.Ordinal);
        Assert.Null(r1.WaitForLine(l => l.Contains("was deleted", StringComparison.Ordinal), TimeSpan.Zero, mark));

        // A tracked route: priority 0, Backup, Master again after Skew_Time (r1 at 245 answers
        // before r2 at 240), everything installed afresh, the no_track ones too.
        NetnsLab.Ip($"-n {ns} route del 10.99.0.0/24");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) tracked virtual route 10.99.0.0/24 via 10.9.0.254 dev eth0 proto 18 was deleted", StringComparison.Ordinal), Settle, mark));
        Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) Entering BACKUP STATE (tracked route 10.99.0.0/24", StringComparison.Ordinal), Settle, mark));
        Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE (master sent priority 0)", StringComparison.Ordinal), Settle, mark));
        WaitFor(() => HasAll(lab, 1), "r1's routes and rules installed again");
        JsonElement counters = r1.Instance().GetProperty("counters");
        Assert.True((1L, 2L) == (counters.GetProperty("priority_zero_sent").GetInt64(), counters.GetProperty("became_master").GetInt64()), r1.Output);
        Assert.Equal(1, r2.Instance().GetProperty("counters").GetProperty("priority_zero_received").GetInt64());
        Assert.Equal("BACKUP", r2.State());

        // A tracked rule: the same.
        mark = r1.LineCount;
        NetnsLab.Ip($"-n {ns} rule del pref 100");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) Entering BACKUP STATE (tracked rule 100: from 10.9.0.100/32 lookup 100 proto 18 was deleted)", StringComparison.Ordinal), Settle, mark));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        WaitFor(() => HasAll(lab, 1), "r1's rule installed again");
        Assert.Equal(3, r1.Instance().GetProperty("counters").GetProperty("became_master").GetInt64());

        // An IPv6 route in an IPv4 instance: the same.
        mark = r1.LineCount;
        NetnsLab.Ip($"-n {ns} -6 route del fd00:99::/64");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) Entering BACKUP STATE (tracked route fd00:99::/64 dev eth0 proto 18 metric 7 was deleted)", StringComparison.Ordinal), Settle, mark));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        WaitFor(() => HasAll(lab, 1), "r1's IPv6 route installed again");
    }

    [Fact]
    public void A_tracked_routes_interface_down_means_fault()
    {
        using var lab = new DaemonLab(1);
        string ns = lab.Members[0];
        string peer = lab.Lab.AddNamespace("wan");
        lab.Lab.AddVeth(ns, "eth1", peer, "eth1");
        NetnsLab.Ip($"-n {ns} addr add 10.8.0.1/24 dev eth1");
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245, """
            virtual_routes {
                    10.20.0.0/24 via 10.8.0.2 dev eth1
                }
            """));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        WaitFor(() => Routing(lab, 1).Contains("10.20.0.0/24 via 10.8.0.2 dev eth1 proto keepalived", StringComparison.Ordinal), "the route via eth1");
        Assert.Contains(r1.Instance().GetProperty("trackers").EnumerateArray(),
            t => t.GetProperty("kind").GetString() == "route interface" && t.GetProperty("name").GetString() == "eth1");

        // keepalived tracks the interface of a tracked route: its link down means FAULT.
        NetnsLab.Ip($"-n {peer} link set eth1 down");
        Assert.True(r1.WaitForState("FAULT", Settle), r1.Output);
        Assert.Contains("route interface eth1", r1.Instance().GetProperty("reason").GetString(), StringComparison.Ordinal);
        NetnsLab.Ip($"-n {peer} link set eth1 up");
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        WaitFor(() => Routing(lab, 1).Contains("10.20.0.0/24 via 10.8.0.2 dev eth1 proto keepalived", StringComparison.Ordinal), "the route via eth1 again");
    }

    [Fact]
    public void Routes_and_rules_a_killed_daemon_left_behind_go_at_the_next_start()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        WaitFor(() => HasAll(lab, 1), "r1's routes and rules");
        r1.Kill();
        Assert.True(r1.WaitForExit(Settle));
        Assert.True(HasAll(lab, 1), "SIGKILL cannot clean up: " + Routing(lab, 1));

        // A Master elsewhere keeps the restarted r1 in Backup: what it removes is what was left.
        VrrpdProcess r2 = lab.Start(2, Config(250));
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        VrrpdProcess again = lab.Start(1, Config(245), "r1-again");
        Assert.True(again.WaitForState("BACKUP", Settle), again.Output);
        Assert.True(HasNone(lab, 1), Routing(lab, 1));
        Assert.NotNull(again.WaitForLine(l => l.Contains("Removed route 10.99.0.0/24 via 10.9.0.254 dev eth0 proto 18 left behind by a previous run", StringComparison.Ordinal), TimeSpan.Zero));
        Assert.NotNull(again.WaitForLine(l => l.Contains("Removed rule 101: from all to 10.96.0.0/24 lookup 100 left behind", StringComparison.Ordinal), TimeSpan.Zero));
    }
}
