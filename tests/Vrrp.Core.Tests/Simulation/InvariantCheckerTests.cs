using Vrrp.Core.Router;
using Vrrp.Core.Simulation;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Simulation;

/// <summary>
/// Each invariant of <see cref="InvariantChecker"/> can fail: crafted record sequences just
/// inside and just outside each bound, and routers run with options the checker does not know
/// of (a router off the RFC) caught in real runs.
/// </summary>
public class InvariantCheckerTests
{
    private static VirtualRouterOptions Router(string name, byte priority, uint host, ushort intervalCs = 100, bool preempt = true,
        int weight = -50, VrrpVersion version = VrrpVersion.V3) => new()
    {
        Name = name,
        VirtualRouterId = 9,
        Version = version,
        Priority = priority,
        AdvertIntervalCentiseconds = intervalCs,
        Preempt = preempt,
        VirtualAddresses = [IpAddr.Parse("10.0.0.254")],
        PrimaryAddress = IpAddr.FromV4(0x0A000000u + host),
        Trackers = [new TrackerOptions("chk", weight)],
    };

    private static Instant S(double seconds) => new((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    /// <summary>A checker fed by hand, in the order a LAN would record things.</summary>
    private sealed class Records(params VirtualRouterOptions[] routers)
    {
        public InvariantChecker Checker { get; } = new(routers, seed: 77);

        public void Boot(int router, Instant at)
        {
            Checker.PowerChanged(at, router, powered: true);
            Transition(router, at, RouterState.Initialize, RouterState.Backup, StateChangeReason.Startup);
        }

        public void Transition(int router, Instant at, RouterState from, RouterState to, StateChangeReason reason) =>
            Checker.OnTransition(new TransitionRecord(at, router, $"r{router + 1}", from, to, reason));

        public void BecomeMaster(int router, Instant at, byte priority, bool addAddresses = true)
        {
            Send(router, at, priority);
            if (addAddresses) Checker.OnWire(new WireRecord(at, router, WireEventKind.AddressesAdded, 0, 0));
            Transition(router, at, RouterState.Backup, RouterState.Master, StateChangeReason.MasterDown);
        }

        public void Send(int router, Instant at, byte priority) =>
            Checker.OnWire(new WireRecord(at, router, WireEventKind.AdvertisementSent, priority, 1));

        public void Deliver(int to, int from, Instant at, byte priority, ushort intervalCs, RouterState state, byte receiverPriority) =>
            Checker.OnDelivery(new DeliveryRecord(at, to, from, priority, intervalCs, state, receiverPriority, RejectReason.None));

        public IReadOnlyList<InvariantKind> Kinds => [.. Checker.Violations.Select(v => v.Kind)];
    }

    // r1 priority 200 is Master; r2 priority 100 (interval 1 s) hears it at 10 s, then takes over at `takeover`.
    private static Records BackupTakesOverAt(Instant takeover, byte advertised = 200, ushort advertisedIntervalCs = 100, VrrpVersion version = VrrpVersion.V3)
    {
        var records = new Records(Router("r1", 200, 1, version: version), Router("r2", 100, 2, version: version));
        records.Boot(1, S(0));
        records.Deliver(1, 0, S(10), advertised, advertisedIntervalCs, RouterState.Backup, 100);
        records.BecomeMaster(1, takeover, 100);
        return records;
    }

    [Fact]
    public void Master_down_before_3_intervals_plus_skew_after_the_last_advertisement_is_caught_RFC5798_6_1_6_4_2()
    {
        // Master_Down_Interval = 3 * 1 s + (256 - 100) / 256 * 1 s = 3.609375 s.
        Assert.Empty(BackupTakesOverAt(S(13.609375)).Kinds);
        Assert.Equal([InvariantKind.MasterDownTooEarly], BackupTakesOverAt(S(13.609375) - Tick).Kinds);
        // VRRPv3 learns the Master's 2 s: 3 * 2 s + 156/256 * 2 s.
        Assert.Empty(BackupTakesOverAt(S(17.21875), advertisedIntervalCs: 200).Kinds);
        Assert.Equal([InvariantKind.MasterDownTooEarly], BackupTakesOverAt(S(17.21875) - Tick, advertisedIntervalCs: 200).Kinds);
        // RFC 5798 6.4.2: priority 0 sets the timer to Skew_Time.
        Assert.Empty(BackupTakesOverAt(S(10.609375), advertised: 0).Kinds);
        Assert.Equal([InvariantKind.MasterDownTooEarly], BackupTakesOverAt(S(10.609375) - Tick, advertised: 0).Kinds);
        // VRRPv2 (RFC 3768 6.1): Skew_Time is (256 - 100) / 256 s whatever the interval.
        Assert.Equal([InvariantKind.MasterDownTooEarly], BackupTakesOverAt(S(13.609375) - Tick, version: VrrpVersion.V2).Kinds);
        Assert.Single(BackupTakesOverAt(S(13.609375) - Tick).Checker.Violations[0].Routers, "r2");
    }

    [Fact]
    public void A_lower_priority_resets_the_timer_of_a_nopreempt_backup_only_RFC5798_6_4_2()
    {
        foreach (bool preempt in new[] { true, false })
        {
            var records = new Records(Router("r1", 100, 1), Router("r2", 150, 2, preempt: preempt));
            records.Boot(1, S(0));
            records.Deliver(1, 0, S(2), 100, 100, RouterState.Backup, 150);
            // 3 s + 106/256 s after entering Backup: fine if the advertisement was discarded.
            records.BecomeMaster(1, S(3.4140625), 150);
            Assert.Equal(preempt ? [] : [InvariantKind.MasterDownTooEarly], records.Kinds);
        }
    }

    [Fact]
    public void A_router_with_down_timer_adverts_1_is_caught_taking_over_too_early()
    {
        List<InvariantViolation> violations = [.. Enumerable.Range(1, 30)
            .Select(seed => FaultRunner.Run(FaultScheduleGenerator.Generate(seed), o => o with { DownTimerAdverts = 1 }))
            .SelectMany(r => r.Violations)];
        Assert.Contains(violations, v => v.Kind == InvariantKind.MasterDownTooEarly);
    }

    [Fact]
    public void A_master_silent_longer_than_its_interval_is_caught_RFC5798_6_4_3()
    {
        var quiet = new Records(Router("r1", 200, 1));
        quiet.Boot(0, S(0));
        quiet.BecomeMaster(0, S(3.5), 200);
        quiet.Send(0, S(4.5), 200);
        quiet.Checker.Checkpoint(S(5.5));
        Assert.Empty(quiet.Kinds);
        quiet.Checker.Checkpoint(S(5.5) + Tick);
        Assert.Equal([InvariantKind.MasterSilence], quiet.Kinds);

        var late = new Records(Router("r1", 200, 1));
        late.Boot(0, S(0));
        late.BecomeMaster(0, S(3.5), 200);
        late.Send(0, S(4.5) + Tick, 200);
        Assert.Equal([InvariantKind.MasterSilence], late.Kinds);
    }

    [Fact]
    public void Routers_advertising_at_twice_their_interval_are_caught()
    {
        List<InvariantViolation> violations = [.. Enumerable.Range(1, 30)
            .Select(seed => FaultRunner.Run(FaultScheduleGenerator.Generate(seed), o => o with { AdvertIntervalCentiseconds = (ushort)(o.AdvertIntervalCentiseconds * 2) }))
            .SelectMany(r => r.Violations)];
        Assert.Contains(violations, v => v.Kind == InvariantKind.MasterSilence);
    }

    [Fact]
    public void Addresses_must_follow_the_powered_master()
    {
        var without = new Records(Router("r1", 200, 1));
        without.Boot(0, S(0));
        without.BecomeMaster(0, S(3.5), 200, addAddresses: false);
        without.Checker.Checkpoint(S(4));
        Assert.Equal([InvariantKind.AddressesFollowMaster], without.Kinds);

        // Back to Backup without removing them; a stop that keeps them.
        var kept = new Records(Router("r1", 200, 1), Router("r2", 100, 2));
        kept.Boot(0, S(0));
        kept.BecomeMaster(0, S(3.5), 200);
        kept.Send(0, S(4.5), 200);
        kept.Transition(0, S(5), RouterState.Master, RouterState.Backup, StateChangeReason.HigherPriority);
        kept.Checker.Checkpoint(S(5.5));
        Assert.Equal([InvariantKind.AddressesFollowMaster], kept.Kinds);

        // A crash takes the addresses with the host: nothing to report.
        var killed = new Records(Router("r1", 200, 1));
        killed.Boot(0, S(0));
        killed.BecomeMaster(0, S(3.5), 200);
        killed.Checker.PowerChanged(S(4), 0, powered: false);
        killed.Checker.Checkpoint(S(10));
        Assert.Empty(killed.Kinds);
    }

    [Fact]
    public void After_convergence_one_master_no_preempting_router_above_it_and_no_transition()
    {
        Records Converged(VirtualRouterOptions r1, VirtualRouterOptions r2, bool bothMasters = false)
        {
            var records = new Records(r1, r2);
            records.Boot(0, S(0));
            records.Boot(1, S(0));
            // Both Master_Down_Intervals (at most 3.61 s here) have passed.
            records.BecomeMaster(0, S(3.7), r1.Priority);
            if (bothMasters) records.BecomeMaster(1, S(3.8), r2.Priority);
            records.Checker.CheckConverged(S(4));
            return records;
        }

        Assert.Empty(Converged(Router("r1", 200, 1), Router("r2", 100, 2)).Kinds);
        Assert.Equal([InvariantKind.SingleMaster], Converged(Router("r1", 200, 1), Router("r2", 100, 2), bothMasters: true).Kinds);
        Assert.Equal([InvariantKind.SingleMaster], Converged(Router("r1", 100, 1), Router("r2", 200, 2)).Kinds);
        // A better Backup without Preempt_Mode, or of equal priority and a greater address, stays Backup (RFC 5798 6.4.2).
        Assert.Empty(Converged(Router("r1", 100, 1), Router("r2", 200, 2, preempt: false)).Kinds);
        Assert.Empty(Converged(Router("r1", 100, 1), Router("r2", 100, 2)).Kinds);
        // The owner always preempts (RFC 5798 6.1), whatever its Preempt_Mode says.
        Assert.Equal([InvariantKind.SingleMaster], Converged(Router("r1", 254, 1), Router("r2", 255, 2, preempt: false)).Kinds);

        Records moved = Converged(Router("r1", 200, 1), Router("r2", 100, 2));
        moved.Transition(1, S(5), RouterState.Backup, RouterState.Fault, StateChangeReason.TrackerFailed);
        Assert.Equal([InvariantKind.SingleMaster], moved.Kinds);
    }

    [Fact]
    public void Two_masters_left_behind_a_cut_after_the_heal_are_caught_in_a_run()
    {
        FaultSchedule schedule = TwoRouters(faults: [new FaultEvent(TimeSpan.FromSeconds(20), FaultKind.HealAll, -1),
            new FaultEvent(TimeSpan.FromSeconds(21), FaultKind.Cut, 1)]);
        FaultRunResult result = FaultRunner.Run(schedule);
        Assert.Contains(result.Violations, v => v.Kind == InvariantKind.SingleMaster && v.Detail.StartsWith("2 Masters", StringComparison.Ordinal));
        Assert.True(FaultRunner.Run(TwoRouters(faults: [new FaultEvent(TimeSpan.FromSeconds(20), FaultKind.HealAll, -1)])).Passed);
    }

    [Fact]
    public void A_better_router_that_does_not_preempt_against_a_schedule_that_says_it_does_is_caught()
    {
        // r1 (100) is Master alone until r2 (200, preempt) boots at 10 s.
        FaultSchedule schedule = TwoRouters(faults: [new FaultEvent(TimeSpan.FromSeconds(20), FaultKind.HealAll, -1)]);
        Assert.True(FaultRunner.Run(schedule).Passed);
        FaultRunResult stubborn = FaultRunner.Run(schedule, o => o with { Preempt = false });
        Assert.Equal([InvariantKind.SingleMaster], stubborn.Violations.Select(v => v.Kind));
    }

    [Fact]
    public void A_priority_other_than_the_trackers_give_is_caught()
    {
        var records = new Records(Router("r1", 200, 1, weight: -50), Router("r2", 100, 2));
        records.Boot(0, S(0));
        records.Checker.TrackerChanged(0, 0, up: false);
        records.BecomeMaster(0, S(3.5), 150);
        Assert.Empty(records.Kinds);
        records.Send(0, S(4.5), 200);
        Assert.Equal([InvariantKind.Priority], records.Kinds);

        List<InvariantViolation> violations = [.. Enumerable.Range(1, 10)
            .Select(seed => FaultRunner.Run(FaultScheduleGenerator.Generate(seed), o => o.IsAddressOwner || o.Priority > 250 ? o : o with { Priority = (byte)(o.Priority + 1) }))
            .SelectMany(r => r.Violations)];
        Assert.Contains(violations, v => v.Kind == InvariantKind.Priority);
    }

    private static FaultSchedule TwoRouters(IReadOnlyList<FaultEvent> faults)
    {
        FaultScheduleRouter[] routers =
        [
            new(Router("r1", 100, 1), TimeSpan.Zero, TimeSpan.Zero),
            new(Router("r2", 200, 2), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10)),
        ];
        TimeSpan healAt = faults.First(f => f.Kind == FaultKind.HealAll).At;
        TimeSpan convergedBy = healAt + FaultScheduleGenerator.ConvergenceWindow(routers, TimeSpan.FromMilliseconds(2));
        return new FaultSchedule(1, routers, faults, healAt, convergedBy, convergedBy + TimeSpan.FromSeconds(20));
    }
}
