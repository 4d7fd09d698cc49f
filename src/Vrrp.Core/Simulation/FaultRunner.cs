using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Simulation;

/// <summary>The outcome of <see cref="FaultRunner.Run(FaultSchedule, Func{VirtualRouterOptions, VirtualRouterOptions})"/>: the violations and what the run did.</summary>
/// <param name="Schedule">The schedule run (its seed reproduces it).</param>
/// <param name="Violations">The violations kept (at most <see cref="InvariantChecker.MaxViolations"/>).</param>
/// <param name="ViolationCount">Every violation seen.</param>
/// <param name="FaultsApplied">Faults applied, the final heal included, the first boots not.</param>
/// <param name="Transitions">State changes of all routers.</param>
/// <param name="SimulatedTime">Virtual time run.</param>
/// <param name="FramesDelivered">Advertisements handed to a router.</param>
/// <param name="FramesLost">Advertisements lost at a receiver.</param>
/// <param name="FramesBlocked">Advertisements stopped by a cut link.</param>
/// <param name="Timeline">Every state change, in order (to read a failing run).</param>
public sealed record FaultRunResult(FaultSchedule Schedule, IReadOnlyList<InvariantViolation> Violations, int ViolationCount,
    int FaultsApplied, int Transitions, TimeSpan SimulatedTime, long FramesDelivered, long FramesLost, long FramesBlocked,
    IReadOnlyList<TransitionRecord> Timeline)
{
    /// <summary>True when no invariant was violated.</summary>
    public bool Passed => ViolationCount == 0;
}

/// <summary>
/// Runs a <see cref="FaultSchedule"/> on a <see cref="SimulatedLan"/> with an
/// <see cref="InvariantChecker"/> watching: each router boots at its start time, each fault is
/// applied at its time (with a checkpoint just before), checkpoints run every half of the
/// largest interval, the single-Master check at <see cref="FaultSchedule.ConvergedBy"/>, and
/// the run goes on to <see cref="FaultSchedule.End"/>. Deterministic: a seed gives one run.
/// </summary>
public static class FaultRunner
{
    /// <summary>Generates the schedule of <paramref name="seed"/> (<see cref="FaultScheduleGenerator.Generate"/>) and runs it.</summary>
    public static FaultRunResult Run(int seed) => Run(FaultScheduleGenerator.Generate(seed));

    /// <summary>Runs <paramref name="schedule"/> and returns the violations.</summary>
    /// <param name="schedule">The routers and faults.</param>
    /// <param name="runAs">
    /// Changes the options the routers run with while the checker keeps the schedule's (null: none):
    /// a router off the RFC, e.g. with <c>DownTimerAdverts = 1</c>, shows that the checker catches it.
    /// </param>
    public static FaultRunResult Run(FaultSchedule schedule, Func<VirtualRouterOptions, VirtualRouterOptions>? runAs = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var lan = new SimulatedLan(schedule.Seed) { RecordWireEvents = false };
        var checker = new InvariantChecker([.. schedule.Routers.Select(r => r.Options)], schedule.Seed);
        lan.Observer = checker;
        for (int i = 0; i < schedule.Routers.Count; i++)
        {
            FaultScheduleRouter plan = schedule.Routers[i];
            SimulatedRouter router = lan.Add(runAs is null ? plan.Options : runAs(plan.Options));
            router.LinkDelay = plan.BaseDelay;
            // Both VRRPv3 checksum conventions on one LAN: receivers accept either (RFC 9568).
            router.ChecksumConvention = i % 2 == 0 ? ChecksumConvention.PseudoHeader : ChecksumConvention.MessageOnly;
        }
        var injector = new FaultInjector(lan, checker, schedule);
        for (int i = 0; i < schedule.Routers.Count; i++)
        {
            int index = i;
            lan.Schedule(At(schedule.Routers[i].StartAt), _ => injector.Start(index));
        }
        TimeSpan every = TimeSpan.FromTicks(Math.Max(1, schedule.LargestInterval.Ticks / 2));
        for (TimeSpan t = every; t < schedule.End; t += every)
            lan.Schedule(At(t), l => checker.Checkpoint(l.Now));
        foreach (FaultEvent fault in schedule.Faults)
        {
            lan.Schedule(At(fault.At), l =>
            {
                checker.Checkpoint(l.Now);
                injector.Apply(fault);
            });
        }
        lan.Schedule(At(schedule.ConvergedBy), l => checker.CheckConverged(l.Now));
        try
        {
            lan.RunUntil(At(schedule.End));
        }
        catch (InvalidOperationException e)
        {
            checker.Report(InvariantKind.Simulation, lan.Now, e.Message);
        }
        checker.Checkpoint(lan.Now);
        return new FaultRunResult(schedule, checker.Violations, checker.ViolationCount, injector.Applied, checker.TransitionCount,
            lan.Now.SinceZero, lan.FramesDelivered, lan.FramesLost, lan.FramesBlocked, lan.Transitions);
    }

    private static Instant At(TimeSpan sinceStart) => Instant.Zero + sinceStart;
}
