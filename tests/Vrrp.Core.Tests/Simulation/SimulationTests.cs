using Vrrp.Core.Router;
using Vrrp.Core.Simulation;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Simulation;

public class SimulationTests
{
    private static VirtualRouterOptions Router(string name, byte priority, string address, VrrpVersion version = VrrpVersion.V2,
        ushort intervalCs = 100, bool preempt = true, IReadOnlyList<TrackerOptions>? trackers = null, string vip = "192.168.1.4") => new()
    {
        Name = name,
        VirtualRouterId = 4,
        Version = version,
        Priority = priority,
        AdvertIntervalCentiseconds = intervalCs,
        Preempt = preempt,
        Trackers = trackers ?? [],
        VirtualAddresses = [IpAddr.Parse(vip)],
        PrimaryAddress = IpAddr.Parse(address),
    };

    private static Instant At(double seconds) => Instant.FromMilliseconds(seconds * 1000);

    private static List<(double Seconds, string Router, RouterState To, StateChangeReason Reason)> Timeline(SimulatedLan lan) =>
        [.. lan.Transitions.Select(t => (Math.Round(t.Time.SinceZero.TotalSeconds, 6), t.Name, t.To, t.Reason))];

    [Fact]
    public void Gateway_and_seil_fail_over_on_tracker_fault_and_fail_back_RFC3768_6_keepalived()
    {
        // The deployment of ARCHITECTURE.md: VRRPv2, VRID 4, 192.168.1.4; the gateway (245,
        // preempt) tracks its MAP-E egress with weight 0; the SEIL router has 240.
        SimulatedLan lan = new(seed: 7);
        SimulatedRouter gateway = lan.Add(Router("gateway", 245, "192.168.1.2", trackers: [new("mape-egress", 0)]));
        SimulatedRouter seil = lan.Add(Router("seil", 240, "192.168.1.3"));
        lan.StartAll();
        lan.Schedule(At(60), l => l.SetTrackerState(gateway, 0, false));
        lan.Schedule(At(120), l => l.SetTrackerState(gateway, 0, true));
        lan.RunUntil(At(180));

        double gatewayDown = Math.Round(3 + 11 / 256.0, 6);     // 3 * 1 s + (256 - 245) / 256 s
        double seilSkew = 16 / 256.0;            // priority 0 from the gateway: Skew_Time
        Assert.Equal(
        [
            (0, "gateway", RouterState.Backup, StateChangeReason.Startup),
            (0, "seil", RouterState.Backup, StateChangeReason.Startup),
            (gatewayDown, "gateway", RouterState.Master, StateChangeReason.MasterDown),
            (60, "gateway", RouterState.Fault, StateChangeReason.TrackerFailed),
            (Math.Round(60 + seilSkew, 6), "seil", RouterState.Master, StateChangeReason.MasterReleased),
            (120, "gateway", RouterState.Backup, StateChangeReason.TrackerRecovered),
            (Math.Round(120 + gatewayDown, 6), "gateway", RouterState.Master, StateChangeReason.Preempted),
            (Math.Round(120 + gatewayDown, 6), "seil", RouterState.Backup, StateChangeReason.HigherPriority),
        ], Timeline(lan));
        Assert.True(gateway.HoldsAddresses);
        Assert.False(seil.HoldsAddresses);
        Assert.Equal(1, gateway.Router.Counters.PriorityZeroSent);
        Assert.Equal(0, gateway.ParseErrors + seil.ParseErrors);
        Assert.True(lan.FramesDelivered > 170);
    }

    [Fact]
    public void Cut_master_splits_the_brain_and_restore_heals_it_RFC5798_6_4_3()
    {
        SimulatedLan lan = new();
        SimulatedRouter r1 = lan.Add(Router("r1", 245, "10.0.0.1", VrrpVersion.V3, intervalCs: 1, vip: "10.0.0.254"));
        SimulatedRouter r2 = lan.Add(Router("r2", 240, "10.0.0.2", VrrpVersion.V3, intervalCs: 1, vip: "10.0.0.254"));
        lan.StartAll();
        lan.Schedule(At(5), l => l.Cut(r1));
        lan.Schedule(At(8), l => l.Restore(r1));
        lan.RunUntil(At(7));
        Assert.Equal(2, lan.Masters.Count()); // both think they are Master while cut
        TransitionRecord takeover = lan.FirstTransitionAfter(At(5), RouterState.Master, r1.Index)!.Value;
        TimeSpan masterDown = r2.Router.MasterDownInterval;
        Assert.InRange(takeover.Time - At(5), masterDown - TimeSpan.FromMilliseconds(10), masterDown);
        lan.RunUntil(At(12));
        Assert.Equal([r1], lan.Masters);
        Assert.Equal(StateChangeReason.HigherPriority, r2.Router.StateReason);
    }

    [Fact]
    public void Same_seed_reproduces_the_run_and_another_seed_differs()
    {
        static (List<TransitionRecord>, long) Run(int seed)
        {
            SimulatedLan lan = new(seed);
            for (int i = 0; i < 4; i++)
            {
                SimulatedRouter router = lan.Add(Router($"r{i}", (byte)(100 + i), $"10.0.0.{i + 1}", VrrpVersion.V3, intervalCs: 5, vip: "10.0.0.254"));
                router.LossProbability = 0.45;
            }
            lan.StartAll();
            lan.RunUntil(At(60));
            return ([.. lan.Transitions], lan.FramesLost);
        }
        (List<TransitionRecord> a, long lostA) = Run(3);
        (List<TransitionRecord> b, long lostB) = Run(3);
        (List<TransitionRecord> c, long lostC) = Run(4);
        Assert.Equal(a, b);
        Assert.Equal(lostA, lostB);
        Assert.True(a.Count > 4, "45% loss should cause flapping");
        Assert.NotEqual((a, lostA), (c, lostC));
    }

    [Fact]
    public void Ipv6_v3_routers_elect_over_link_local_addresses_RFC5798_5_1_2()
    {
        SimulatedLan lan = new();
        SimulatedRouter a = lan.Add(Router("a", 100, "fe80::1", VrrpVersion.V3, vip: "fe80::254"));
        SimulatedRouter b = lan.Add(Router("b", 100, "fe80::2", VrrpVersion.V3, vip: "fe80::254"));
        lan.StartAll();
        lan.RunUntil(At(10));
        // Equal priorities: both time out together, the greater link-local address wins.
        Assert.Equal([b], lan.Masters);
        Assert.Equal(StateChangeReason.HigherAddress, a.Router.StateReason);
        Assert.Equal(0, a.ParseErrors + b.ParseErrors);
    }

    [Fact]
    public void Graceful_stop_hands_over_after_skew_time_and_kill_after_master_down_RFC5798_6_4_2()
    {
        SimulatedLan lan = new();
        SimulatedRouter r1 = lan.Add(Router("r1", 200, "10.0.0.1", VrrpVersion.V3, vip: "10.0.0.254"));
        SimulatedRouter r2 = lan.Add(Router("r2", 100, "10.0.0.2", VrrpVersion.V3, vip: "10.0.0.254"));
        lan.StartAll();
        lan.Schedule(At(10), l => l.Stop(r1));
        lan.Schedule(At(20), l => l.Start(r1));
        lan.Schedule(At(30.5), l => l.Kill(r1));
        lan.RunUntil(At(40));
        Assert.Equal(At(10) + r2.Router.SkewTime, lan.FirstTransitionAfter(At(10), RouterState.Master)!.Value.Time);
        TransitionRecord afterKill = lan.FirstTransitionAfter(At(30.5), RouterState.Master)!.Value;
        Assert.Equal("r2", afterKill.Name);
        // r1's last advertisement left at 30 s (every second since it took over at 20 s + MDI).
        Assert.InRange(afterKill.Time.Ticks, At(30.5).Ticks, (At(30.5) + r2.Router.MasterDownInterval).Ticks);
        Assert.Equal([r2], lan.Masters);
    }
}
