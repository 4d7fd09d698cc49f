using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vrrp.Core.Router;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

/// <summary>
/// keepalived's priority arithmetic (ka-behaviour.md section 4): value trackers (track_file),
/// reverse as a negated weight, the total summed without clamping and clamped once to 1..254,
/// the owner fixed at 255. The numbers of the named tests were measured on keepalived 2.2.7.
/// </summary>
public class TrackerWeightsTests
{
    private static TrackerOptions File(int weight, bool reverse = false) => new("file f1", weight, reverse, TrackerInput.Value);

    [Fact]
    public void Track_file_values_as_keepalived_2_2_7_measured()
    {
        // track_file f1 { weight 7 reverse } on priority 100; the file rewritten step by step.
        RouterHarness h = new(Options(priority: 100, trackers: [File(7, reverse: true)]));
        h.Start(Ms(0));
        (long Value, byte Priority, RouterState State)[] steps =
        [
            (3, 79, RouterState.Backup),       // 3 * 7 * -1 = -21
            (-100, 254, RouterState.Backup),   // 700, clamped to 253: 353, effective 254
            (100, 100, RouterState.Fault),     // -700, clamped to -254: Fault, adds nothing
            (1, 93, RouterState.Backup),       // -7, out of Fault
            (16, 1, RouterState.Backup),       // -112: total -12, effective 1
            (0, 100, RouterState.Backup),      // a deleted file reads 0
            (12, 16, RouterState.Backup),      // " 12abc": strtol stops at the garbage
        ];
        for (int i = 0; i < steps.Length; i++)
        {
            h.Router.SetTrackerValue(Ms(10 * (i + 1)), 0, steps[i].Value);
            Assert.Equal((steps[i].Priority, steps[i].State), (h.Router.EffectivePriority, h.Router.State));
        }
    }

    [Fact]
    public void Weight_zero_file_faults_on_any_value_but_zero_and_reverse_on_zero_keepalived()
    {
        RouterHarness plain = new(Options(priority: 100, trackers: [File(0)]));
        plain.Start(Ms(0));
        Assert.Equal(RouterState.Backup, plain.Router.State);
        plain.Router.SetTrackerValue(Ms(1), 0, -3);
        Assert.Equal(RouterState.Fault, plain.Router.State);
        Assert.True(plain.Router.IsTrackerFaulting(0));
        Assert.Equal(100, plain.Router.EffectivePriority);

        RouterHarness reverse = new(Options(priority: 100, trackers: [File(0, reverse: true)]));
        reverse.Start(Ms(0));
        Assert.Equal(RouterState.Fault, reverse.Router.State);
        reverse.Router.SetTrackerValue(Ms(1), 0, 5);
        Assert.Equal(RouterState.Backup, reverse.Router.State);
    }

    [Fact]
    public void A_master_whose_file_faults_sends_priority_zero_and_gives_up_its_addresses()
    {
        RouterHarness h = new(Options(priority: 200, trackers: [File(-1)]));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        Assert.Equal(RouterState.Master, h.Router.State);
        h.Router.SetTrackerValue(Ms(5000), 0, 254);   // 254 * -1 = -254: Fault
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(0, actions[0].Priority);
        Assert.Equal(StateChangeReason.TrackerFailed, actions[2].Reason);
        h.Router.SetTrackerValue(Ms(6000), 0, 253);   // -253: back, at priority 1
        Assert.Equal((RouterState.Backup, (byte)1), (h.Router.State, h.Router.EffectivePriority));
    }

    [Fact]
    public void Values_and_states_are_reported_through_their_own_method()
    {
        RouterHarness h = new(Options(trackers: [File(1), new("script s", 5)]));
        Assert.Throws<ArgumentException>(() => h.Router.SetTrackerState(Ms(0), 0, false));
        Assert.Throws<ArgumentException>(() => h.Router.SetTrackerValue(Ms(0), 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Router.SetTrackerValue(Ms(0), 2, 3));
    }

    [Fact]
    public void The_total_is_not_clamped_on_the_way_keepalived()
    {
        // keepalived's examples: base 254 + 253 is 507, effective 254, and taking 253 away again
        // gives 254, not 1; base 10 - 60 is effective 1, and +55 from there gives 5.
        RouterHarness high = new(Options(priority: 254, trackers: [new("up", 253), new("down", -253)]));
        Assert.Equal(254, high.Router.EffectivePriority);
        high.Router.SetTrackerState(Ms(0), 1, false);
        Assert.Equal(254, high.Router.EffectivePriority);
        RouterHarness low = new(Options(priority: 10, trackers: [new("a", -60), File(5)]));
        low.Router.SetTrackerState(Ms(0), 0, false);
        Assert.Equal(1, low.Router.EffectivePriority);
        low.Router.SetTrackerValue(Ms(1), 1, 11);
        Assert.Equal(5, low.Router.EffectivePriority);
    }

    // A tracker as generated: weight -254..254, reverse, state or value, and the report given.
    public sealed record Tracker(int Weight, bool Reverse, bool IsValue, bool Up, long Value);

    private static Gen<Tracker> OneTracker() =>
        from weight in Gen.Choose(-254, 254)
         from zero in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
         from reverse in ArbMap.Default.GeneratorFor<bool>()
         from isValue in ArbMap.Default.GeneratorFor<bool>()
         from up in ArbMap.Default.GeneratorFor<bool>()
         from value in Gen.OneOf(Gen.Choose(-300, 300).Select(v => (long)v), Gen.Choose(-3, 3).Select(v => v * 1_000_000_000L), Gen.Constant(0L))
         select new Tracker(zero ? 0 : weight, reverse, isValue, up, value);

    public static class Generators
    {
        public static Arbitrary<Tracker[]> Lists() => Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(OneTracker(), n)).ToArbitrary();
    }

    // The keepalived table, written out independently of TrackerWeights: (contribution, fault).
    private static (long Add, bool Fault) Model(Tracker t)
    {
        int m = t.Reverse ? -1 : 1;
        if (!t.IsValue)
        {
            if (t.Weight == 0) return (0, t.Up == t.Reverse);
            bool counts = t.Weight > 0 ? t.Up : !t.Up;
            return (counts ? t.Weight * m : 0, false);
        }
        if (t.Weight == 0) return (0, (t.Value != 0) != t.Reverse);
        long status = Math.Clamp(t.Value * t.Weight * m, -254, 253);
        return status == -254 ? (0, true) : (status, false);
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public void Effective_priority_is_the_base_plus_every_contribution_clamped_once(Tracker[] trackers, byte priority, bool shuffle)
    {
        priority = (byte)Math.Max((int)priority, 1);
        TrackerOptions[] options = [.. trackers.Select((t, i) => new TrackerOptions($"t{i}", t.Weight, t.Reverse, t.IsValue ? TrackerInput.Value : TrackerInput.State))];
        RouterHarness h = new(Options(priority: priority, trackers: options));
        h.Start(Ms(0));
        int[] order = [.. Enumerable.Range(0, trackers.Length)];
        if (shuffle) order.AsSpan().Reverse();
        foreach (int i in order)
        {
            if (trackers[i].IsValue) h.Router.SetTrackerValue(Ms(i + 1), i, trackers[i].Value);
            else h.Router.SetTrackerState(Ms(i + 1), i, trackers[i].Up);
        }

        long total = priority + trackers.Sum(t => Model(t).Add);
        byte expected = priority == 255 ? (byte)255 : (byte)Math.Clamp(total, 1, 254);
        bool fault = trackers.Any(t => Model(t).Fault);
        Assert.Equal(expected, h.Router.EffectivePriority);
        Assert.Equal(fault, h.Router.State == RouterState.Fault);
        for (int i = 0; i < trackers.Length; i++)
            Assert.Equal(Model(trackers[i]).Fault, h.Router.IsTrackerFaulting(i));
    }

    [Property(MaxTest = 500)]
    public void A_value_status_stays_in_range_and_reverse_negates_it(short weight, bool reverse, long value)
    {
        int w = Math.Clamp((int)weight, -254, 254);
        int status = TrackerWeights.ValueStatus(w, reverse, value);
        Assert.InRange(status, TrackerWeights.FaultStatus, TrackerWeights.MaxStatus);
        if (w == 0)
        {
            Assert.Contains(status, new[] { 0, TrackerWeights.FaultStatus });
            Assert.Equal(status, TrackerWeights.ValueStatus(0, !reverse, value) == 0 ? TrackerWeights.FaultStatus : 0);
            return;
        }
        int other = TrackerWeights.ValueStatus(w, !reverse, value);
        if (status > TrackerWeights.FaultStatus && status < TrackerWeights.MaxStatus && other > TrackerWeights.FaultStatus && other < TrackerWeights.MaxStatus)
            Assert.Equal(-status, other);
    }

    [Property(MaxTest = 200)]
    public void The_owner_stays_at_255_whatever_its_trackers_report(bool up, int value, sbyte weight)
    {
        RouterHarness h = new(Options(priority: 255, trackers: [new("s", weight), File(weight)]));
        h.Start(Ms(0));
        h.Router.SetTrackerState(Ms(1), 0, up);
        h.Router.SetTrackerValue(Ms(2), 1, value);
        Assert.Equal(255, h.Router.EffectivePriority);
    }
}
