using FsCheck.Xunit;
using Vrrp.Core.Router;
using Vrrp.Core.Simulation;

namespace Vrrp.Core.Tests.Simulation;

/// <summary>
/// Properties of whole LANs (RFC 5798 6.4) over generated scenarios: 2-8 routers, random
/// priorities (sometimes an owner), intervals, preempt flags, port delays, loss, partitions,
/// kills and restarts. Every frame goes through Emit and TryParse.
/// </summary>
public class PropertyTests
{
    // Startup: the best router's Master_Down timer fires first; others may also fire before
    // its advertisement reaches them (delays exceed skew gaps), then yield within two hops.
    private static Instant Converged(Scenario s) =>
        Instant.Zero + s.MasterDownInterval(s.Best(Enumerable.Range(0, s.Routers.Length))) + 2 * s.MaxPairDelay + TimeSpan.FromTicks(1);

    private static void AssertSingleMaster(SimulatedLan lan, int expected, string when)
    {
        List<SimulatedRouter> masters = [.. lan.Masters];
        Assert.True(masters.Count == 1 && masters[0].Index == expected,
            $"{when} at {lan.Now}: expected only r{expected + 1} as Master, got [{string.Join(", ", masters)}]");
        foreach (SimulatedRouter router in lan.Routers)
            Assert.True(router.HoldsAddresses == (router.Index == expected), $"{when}: {router.Name} holds addresses = {router.HoldsAddresses}");
    }

    private static void AssertCodecClean(SimulatedLan lan)
    {
        foreach (SimulatedRouter router in lan.Routers)
        {
            Assert.Equal(0, router.ParseErrors);
            Assert.Equal(0, router.Router.Counters.TotalRejected - router.Router.Counters.Rejected(RejectReason.NotActive));
        }
    }

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = 60)]
    public void Without_faults_one_master_within_a_master_down_interval_and_it_is_the_best(Scenario s)
    {
        SimulatedLan lan = s.Build();
        lan.StartAll();
        int best = s.Best(Enumerable.Range(0, s.Routers.Length));
        Instant converged = Converged(s);
        lan.RunUntil(converged);
        AssertSingleMaster(lan, best, "after one Master_Down_Interval");
        int transitions = lan.Transitions.Count;
        lan.RunFor(20 * s.Interval);
        AssertSingleMaster(lan, best, "20 intervals later");
        Assert.Equal(transitions, lan.Transitions.Count);
        AssertCodecClean(lan);
    }

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = 60)]
    public void After_the_master_dies_the_next_takes_over_within_its_master_down_interval_plus_one_interval(Scenario s)
    {
        SimulatedLan lan = s.Build();
        lan.StartAll();
        List<int> all = [.. Enumerable.Range(0, s.Routers.Length)];
        int best = s.Best(all);
        Instant death = Converged(s) + s.Interval * (s.Seed % 100 / 100.0);
        lan.RunUntil(death);
        lan.Kill(lan.Routers[best]);
        int next = s.Best(all.Where(i => i != best));
        Instant deadline = death + s.MasterDownInterval(next) + s.Interval + 2 * s.MaxPairDelay;
        lan.RunUntil(deadline);
        TransitionRecord? takeover = lan.FirstTransitionAfter(death, RouterState.Master);
        Assert.True(takeover is not null, "nobody took over");
        Assert.True(takeover.Value.Time <= death + s.MasterDownInterval(next) + s.Interval, $"takeover at {takeover.Value.Time} after death at {death}");
        AssertSingleMaster(lan, next, "after the takeover");
        AssertCodecClean(lan);
    }

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = 20)]
    public void Steady_state_has_no_transitions_over_10000_intervals(Scenario s)
    {
        SimulatedLan lan = s.Build(recordWire: false);
        lan.StartAll();
        lan.RunUntil(Converged(s));
        int transitions = lan.Transitions.Count;
        int best = lan.Masters.Single().Index;
        lan.RunFor(10_000 * s.Interval);
        Assert.Equal(transitions, lan.Transitions.Count);
        AssertSingleMaster(lan, best, "after 10,000 intervals");
        Assert.True(lan.Routers[best].Router.Counters.AdvertisementsSent >= 10_000);
        AssertCodecClean(lan);
    }

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = 60)]
    public void After_faults_stop_there_is_a_single_master_again(Scenario s)
    {
        SimulatedLan lan = s.Build();
        lan.StartAll();
        Instant start = Converged(s);
        TimeSpan faultyPhase = 3 * s.MasterDownInterval(0) + 10 * s.Interval;
        foreach (FaultStep fault in s.Faults)
        {
            lan.Schedule(start + faultyPhase * (fault.AtPercent / 100.0), l =>
            {
                SimulatedRouter router = l.Routers[fault.Router];
                SimulatedRouter other = l.Routers[fault.Other];
                switch (fault.Kind)
                {
                    case 0: l.Kill(router); break;
                    case 1: l.Start(router); break;
                    case 2: l.Cut(router); break;
                    case 3: l.Restore(router); break;
                    case 4: l.SetLink(router, other, up: false); break;
                    default: l.Stop(router); break;
                }
            });
        }
        lan.Schedule(start, l =>
        {
            foreach (SimulatedRouter router in l.Routers) router.LossProbability = s.LossPercent / 100.0;
        });
        Instant healed = start + faultyPhase;
        lan.Schedule(healed, l =>
        {
            foreach (SimulatedRouter router in l.Routers)
            {
                router.LossProbability = 0;
                l.Restore(router);
                l.Start(router);
            }
        });
        TimeSpan slowest = Enumerable.Range(0, s.Routers.Length).Max(s.MasterDownInterval);
        lan.RunUntil(healed + slowest + 2 * s.Interval + 4 * s.MaxPairDelay);
        List<SimulatedRouter> masters = [.. lan.Masters];
        Assert.True(masters.Count == 1, $"{masters.Count} masters after healing: [{string.Join(", ", masters)}]");
        foreach (SimulatedRouter router in lan.Routers)
            Assert.True(router.HoldsAddresses == (router == masters[0]), $"{router.Name} holds addresses = {router.HoldsAddresses}");
        AssertCodecClean(lan);
    }
}
