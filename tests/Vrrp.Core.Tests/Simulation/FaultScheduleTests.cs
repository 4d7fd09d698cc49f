using Vrrp.Core.Router;
using Vrrp.Core.Simulation;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Simulation;

/// <summary>The generated schedules of seeds 1..3000, run once for the tests of this class.</summary>
public sealed class GeneratedRuns
{
    public const int Count = 3000;

    public GeneratedRuns()
    {
        Results = [.. Enumerable.Range(1, Count).Select(FaultRunner.Run)];
    }

    public IReadOnlyList<FaultRunResult> Results { get; }
}

/// <summary>
/// Fault schedules through the simulator with the invariant checker (issue 13 item 6): thousands
/// of generated schedules keep every invariant, they exercise what they claim to, and a seed
/// reproduces its run. bench/faults runs 10^5 of them.
/// </summary>
public class FaultScheduleTests(GeneratedRuns runs) : IClassFixture<GeneratedRuns>
{
    [Fact]
    public void Three_thousand_generated_schedules_keep_every_invariant()
    {
        List<FaultRunResult> failed = [.. runs.Results.Where(r => !r.Passed)];
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {GeneratedRuns.Count} schedules violated an invariant; reproduce with "
            + $"`dotnet run -c Release --project bench/faults -- --show SEED`:\n"
            + string.Join("\n", failed.Take(5).SelectMany(r => r.Violations.Take(3)).Select(v => v.ToString())));
    }

    [Fact]
    public void The_schedules_exercise_every_fault_version_family_and_takeover()
    {
        IReadOnlyList<FaultRunResult> results = runs.Results;
        HashSet<FaultKind> kinds = [.. results.SelectMany(r => r.Schedule.Faults).Select(f => f.Kind)];
        Assert.Equal(Enum.GetValues<FaultKind>().ToHashSet(), kinds);

        List<FaultSchedule> schedules = [.. results.Select(r => r.Schedule)];
        Assert.Contains(schedules, s => s.Version == VrrpVersion.V2);
        Assert.Contains(schedules, s => s.Routers[0].Options.Family == IpFamily.IPv6);
        Assert.Contains(schedules, s => s.Routers.Select(r => r.Options.AdvertIntervalCentiseconds).Distinct().Count() > 1);
        Assert.All(schedules.Where(s => s.Version == VrrpVersion.V2), s => Assert.Single(s.Routers.Select(r => r.Options.AdvertIntervalCentiseconds).Distinct()));
        List<VirtualRouterOptions> routers = [.. schedules.SelectMany(s => s.Routers).Select(r => r.Options)];
        Assert.Contains(routers, o => o.IsAddressOwner);
        Assert.Contains(routers, o => !o.Preempt);
        Assert.Contains(routers, o => o.Trackers[0].Weight == 0);
        Assert.Contains(routers, o => o.Trackers[0].Weight > 0);
        Assert.Contains(routers, o => o.Trackers[0].Weight < 0);
        Assert.Contains(schedules, s => s.Routers.Select(r => r.Options.Priority).Distinct().Count() < s.Routers.Count);

        HashSet<StateChangeReason> reasons = [.. results.SelectMany(r => r.Timeline).Select(t => t.Reason)];
        StateChangeReason[] expected =
        [
            StateChangeReason.Startup, StateChangeReason.AddressOwner, StateChangeReason.MasterDown, StateChangeReason.MasterReleased,
            StateChangeReason.Preempted, StateChangeReason.HigherPriority, StateChangeReason.HigherAddress, StateChangeReason.InterfaceDown,
            StateChangeReason.InterfaceUp, StateChangeReason.TrackerFailed, StateChangeReason.TrackerRecovered, StateChangeReason.Shutdown,
        ];
        Assert.All(expected, reason => Assert.Contains(reason, reasons));
        Assert.True(results.Sum(r => r.FramesLost) > 0 && results.Sum(r => r.FramesBlocked) > 0);
    }

    [Fact]
    public void A_seed_reproduces_its_schedule_and_its_run()
    {
        FaultSchedule first = FaultScheduleGenerator.Generate(4242);
        FaultSchedule again = FaultScheduleGenerator.Generate(4242);
        Assert.Equal(first.Describe(), again.Describe());
        Assert.NotEqual(first.Describe(), FaultScheduleGenerator.Generate(4243).Describe());

        FaultRunResult run = FaultRunner.Run(first);
        FaultRunResult rerun = FaultRunner.Run(again);
        Assert.Equal(run.Timeline, rerun.Timeline);
        Assert.Equal((run.FramesDelivered, run.FramesLost, run.FaultsApplied), (rerun.FramesDelivered, rerun.FramesLost, rerun.FaultsApplied));
        Assert.NotEmpty(run.Timeline);
    }

    [Fact]
    public void Every_schedule_ends_with_the_heal_then_a_window_then_twenty_intervals()
    {
        foreach (FaultSchedule s in runs.Results.Take(200).Select(r => r.Schedule))
        {
            Assert.Equal(FaultKind.HealAll, s.Faults[^1].Kind);
            Assert.Equal(s.HealAt, s.Faults[^1].At);
            Assert.All(s.Faults.SkipLast(1), f => Assert.True(f.At < s.HealAt));
            // At least the largest Master_Down_Interval of RFC 5798 6.1 (3 intervals + skew) and one interval more.
            Assert.True(s.ConvergedBy - s.HealAt > 4 * s.LargestInterval, s.Describe());
            Assert.Equal(s.ConvergedBy + FaultScheduleGenerator.StableIntervals * s.LargestInterval, s.End);
            Assert.InRange(s.Routers.Count, 2, 4);
            Assert.True(s.Routers.Count(r => r.Options.IsAddressOwner) <= 1);
        }
    }
}
