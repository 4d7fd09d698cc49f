using Vrrp.Core.Router;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class TrackingTests
{
    private static readonly TrackerOptions[] Mixed = [new("down-10", -10), new("up+5", 5), new("fault", 0)];

    [Fact]
    public void Negative_weight_counts_while_down_positive_while_up_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, trackers: Mixed));
        Assert.Equal(105, h.Router.EffectivePriority); // +5 tracker up
        h.Router.SetTrackerState(Ms(0), 0, false);
        Assert.Equal(95, h.Router.EffectivePriority);
        h.Router.SetTrackerState(Ms(0), 1, false);
        Assert.Equal(90, h.Router.EffectivePriority);
    }

    [Fact]
    public void Reverse_negates_the_weight_rather_than_swapping_up_and_down_keepalived()
    {
        // Measured on keepalived 2.2.7: track_script "ok weight 10 reverse" with a script that
        // succeeds gives 90; "bad weight -10 reverse" with one that fails gives 110.
        RouterHarness positive = new(Options(priority: 100, trackers: [new("ok", 10, Reverse: true)]));
        Assert.Equal(90, positive.Router.EffectivePriority);
        positive.Router.SetTrackerState(Ms(0), 0, false);
        Assert.Equal(100, positive.Router.EffectivePriority);

        RouterHarness negative = new(Options(priority: 100, trackers: [new("bad", -10, Reverse: true)]));
        Assert.Equal(100, negative.Router.EffectivePriority);
        negative.Router.SetTrackerState(Ms(0), 0, false);
        Assert.Equal(110, negative.Router.EffectivePriority);
    }

    [Fact]
    public void Reverse_weight_zero_faults_while_up_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, trackers: [new("rev", 0, Reverse: true)]));
        h.Start(Ms(0));
        Assert.Equal(RouterState.Fault, h.Router.State);
        h.Router.SetTrackerState(Ms(10), 0, false);
        Assert.Equal(RouterState.Backup, h.Router.State);
    }

    [Fact]
    public void Effective_priority_is_clamped_to_1_through_254_keepalived()
    {
        RouterHarness high = new(Options(priority: 250, trackers: [new("t", 100)]));
        Assert.Equal(254, high.Router.EffectivePriority);
        RouterHarness low = new(Options(priority: 5, trackers: [new("t", -100)]));
        low.Router.SetTrackerState(Ms(0), 0, false);
        Assert.Equal(1, low.Router.EffectivePriority);
    }

    [Fact]
    public void Owner_priority_is_never_adjusted_keepalived()
    {
        RouterHarness h = new(Options(priority: 255, trackers: [new("t", -50)]));
        Assert.Contains(h.Router.Warnings, w => w.Contains("never adjusted"));
        h.Router.SetTrackerState(Ms(0), 0, false);
        Assert.Equal(255, h.Router.EffectivePriority);
    }

    [Fact]
    public void Priority_change_shows_in_the_next_advertisement_RFC5798_6_4_3()
    {
        RouterHarness h = new(Options(priority: 100, trackers: [new("t", -30)]));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        Instant next = h.Router.PollTimeout();
        h.Router.SetTrackerState(next - TimeSpan.FromMilliseconds(1), 0, false);
        Assert.Empty(h.Drain());
        Assert.Equal(70, Assert.Single(h.Timeout(next)).Priority);
    }

    [Fact]
    public void Weight_zero_failure_puts_master_in_fault_with_priority_zero_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, trackers: Mixed));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        h.Router.SetTrackerState(Ms(5000), 2, false);
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(0, actions[0].Priority);
        Assert.Equal((RouterState.Fault, StateChangeReason.TrackerFailed), (actions[2].To, actions[2].Reason));
        Assert.Equal(Instant.Never, h.Router.PollTimeout());

        h.Router.SetTrackerState(Ms(8000), 2, true);
        RouterAction t = Transition(h.Drain());
        Assert.Equal((RouterState.Fault, RouterState.Backup, StateChangeReason.TrackerRecovered), (t.From, t.To, t.Reason));
        Assert.Equal(Ms(8000) + h.Router.MasterDownInterval, h.Router.PollTimeout());
    }

    [Fact]
    public void Interface_down_is_fault_until_up_keepalived()
    {
        RouterHarness h = new(Options(priority: 100));
        h.Start(Ms(0));
        h.Router.SetInterfaceUp(Ms(100), false);
        Assert.Equal(StateChangeReason.InterfaceDown, Transition(h.Drain()).Reason);
        Assert.Empty(h.Drain());
        h.Router.SetInterfaceUp(Ms(200), true);
        RouterAction t = Transition(h.Drain());
        Assert.Equal((RouterState.Backup, StateChangeReason.InterfaceUp), (t.To, t.Reason));
    }

    [Fact]
    public void Owner_returns_from_fault_straight_to_master_keepalived()
    {
        RouterHarness h = new(Options(priority: 255));
        h.Start(Ms(0));
        h.Router.SetInterfaceUp(Ms(100), false);
        h.Drain();
        h.Router.SetInterfaceUp(Ms(200), true);
        RouterAction t = Transition(h.Drain());
        Assert.Equal((RouterState.Fault, RouterState.Master), (t.From, t.To));
    }

    [Fact]
    public void Fault_needs_every_cause_cleared_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, trackers: [new("a", 0), new("b", 0)]));
        h.Start(Ms(0));
        h.Router.SetTrackerState(Ms(1), 0, false);
        h.Router.SetInterfaceUp(Ms(2), false);
        h.Router.SetTrackerState(Ms(3), 1, false);
        h.Router.SetTrackerState(Ms(4), 0, true);
        h.Router.SetInterfaceUp(Ms(5), true);
        Assert.Equal(RouterState.Fault, h.Router.State);
        h.Router.SetTrackerState(Ms(6), 1, true);
        Assert.Equal(RouterState.Backup, h.Router.State);
    }
}
