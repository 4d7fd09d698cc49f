using Vrrp.Interop.Tests.Harness;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// virtual_routes and virtual_rules on both routers, vrrpd against keepalived 2.2.7 (and
/// keepalived against itself, which checks the scenario): the routes and rules are on the
/// master alone at every step of a failover cycle, move with it, and a tracked route deleted
/// by hand on the master makes it give way (priority 0 on the wire) and take the role back
/// with the route installed afresh, in both implementations.
/// </summary>
public sealed class VirtualRoutesTests
{
    private const string Routing = """
            virtual_routes {
                10.99.0.0/24 via 10.77.0.254 dev eth0
                blackhole 10.98.0.0/24
            }
            virtual_rules {
                from 10.77.0.4 table 100 priority 100
            }
        """;

    // What `ip route` and `ip rule` print on the master, the same for both implementations.
    private static readonly string[] Installed =
    [
        "10.99.0.0/24 via 10.77.0.254 dev eth0 proto keepalived",
        "blackhole 10.98.0.0/24 proto keepalived",
        "100:\tfrom 10.77.0.4 lookup 100 proto keepalived",
    ];

    private static string Shown(Peer router) =>
        NetnsLab.Ip($"-n {router.Namespace} route show table all") + NetnsLab.Ip($"-n {router.Namespace} rule show");

    private static void AssertRoutingOnlyOn(InteropLab lab, Peer holder, TimeSpan timeout) =>
        NetnsLab.WaitUntil(() => lab.Routers.All(r => r == holder ? Installed.All(Shown(r).Contains) : !Installed.Any(Shown(r).Contains)), timeout,
            () => $"the routes and rules on {holder} only\n{string.Join('\n', lab.Routers.Select(r => $"{r}:\n{Shown(r)}"))}");

    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Routes_move_with_the_master_and_a_deleted_one_is_answered_alike(Impl master, Impl backup)
    {
        var row = new ResultRow { Scenario = "v3 IPv4 with virtual_routes and virtual_rules: failover moves them, a deleted tracked route", Version = 3, Family = "IPv4", Mode = "multicast", First = master, Second = backup };
        using var lab = InteropLab.Create(row, [master, backup]);
        lab.Run(() =>
        {
            Peer r1 = lab[0], r2 = lab[1];
            var spec = new InstanceSpec { Version = 3, AdvertSeconds = 0.1, Vips = [$"{InteropLab.Vip}/24"] };
            InstanceSpec high = spec with { Priority = 245 }, low = spec with { Priority = 240 };
            TimeSpan slack = TimeSpan.FromSeconds(5);

            r2.Start(low, WithRouting(low, r2));
            r1.Start(high, WithRouting(high, r1));
            lab.WaitForSingleMaster(r1, Flows.ConvergeTimeout(low));
            lab.WaitForState(r2, PeerState.Backup, slack);
            AssertRoutingOnlyOn(lab, r1, slack);

            // Link cut: r2 takes over with the routes; r1 in Fault has none.
            lab.CutLink(r1);
            lab.WaitForSingleMaster(r2, slack);
            AssertRoutingOnlyOn(lab, r2, slack);
            lab.RestoreLink(r1);
            lab.WaitForSingleMaster(r1, slack);
            AssertRoutingOnlyOn(lab, r1, slack);

            // The tracked route deleted on the master: priority 0, then master again with it.
            DateTime deleted = InteropLab.Mark();
            NetnsLab.Ip($"-n {r1.Namespace} route del 10.99.0.0/24");
            NetnsLab.WaitUntil(() => Installed.All(Shown(r1).Contains), slack, () => $"{r1}'s routes installed again:\n{Shown(r1)}");
            lab.WaitForSingleMaster(r1, slack);
            AssertRoutingOnlyOn(lab, r1, slack);

            // SIGTERM: r2 takes over with them, r1 leaves nothing behind.
            r1.Stop();
            lab.WaitForSingleMaster(r2, slack);
            AssertRoutingOnlyOn(lab, r2, slack);
            r2.Stop();
            Assert.All(lab.Routers, r => Assert.DoesNotContain("proto keepalived", Shown(r), StringComparison.Ordinal));

            WireLog wire = lab.Wire();
            WireFrame zero = wire.FirstAdvert(r1.Address, deleted, f => f.Priority == 0);
            WireFrame again = wire.FirstAdvert(r1.Address, zero.Time, f => f.Priority == 245);
            row.Figures.Add($"tracked route deleted: priority 0 after {Timing.Ms(zero.Time - deleted)}, master again after {Timing.Ms(again.Time - zero.Time)} (Skew_Time {Timing.Ms(Timing.Skew(3, 0.1, 245))})");
            row.Outcome = "routes and rules on the master only at every step";
        });
    }

    private static string WithRouting(InstanceSpec spec, Peer router)
    {
        string text = spec.ToKeepalivedConf(router.Name);
        int end = text.LastIndexOf('}');
        return text[..end] + Routing + "\n}\n";
    }
}
