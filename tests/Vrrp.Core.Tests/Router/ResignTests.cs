using Vrrp.Core.Router;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

/// <summary>
/// HandleResign: what keepalived 2.2.7 does when a tracked virtual route or rule is deleted
/// while Master (measured against it in a namespace): priority 0, addresses removed, Backup,
/// and Master again after Skew_Time unless another router takes over first.
/// </summary>
public class ResignTests
{
    private static RouterHarness StartedMaster(byte priority = 150)
    {
        RouterHarness h = new(Options(priority: priority));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        Assert.Equal(RouterState.Master, h.Router.State);
        h.Drain();
        return h;
    }

    [Fact]
    public void Master_sends_priority_zero_goes_backup_and_takes_over_again_after_skew_time()
    {
        RouterHarness h = StartedMaster(priority: 150);
        Instant now = Ms(5000);
        h.Router.HandleResign(now);
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(0, actions[0].Priority);
        Assert.Equal((RouterState.Master, RouterState.Backup, StateChangeReason.Resigned), (actions[2].From, actions[2].To, actions[2].Reason));
        Assert.Equal(now + h.Router.SkewTime, h.Router.PollTimeout());
        Assert.Equal(Vrrp.Core.Wire.IpFamily.None, h.Router.MasterAddress.Family);

        actions = h.Timeout(h.Router.PollTimeout());
        Assert.Equal((RouterState.Master, StateChangeReason.MasterReleased), (Transition(actions).To, Transition(actions).Reason));
        Assert.NotNull(Find(actions, RouterActionKind.AddAddresses));
        Assert.Equal(2, h.Router.Counters.BecameMaster);
        Assert.Equal(1, h.Router.Counters.PriorityZeroSent);
    }

    [Fact]
    public void A_peer_that_answers_first_keeps_the_master_role()
    {
        RouterHarness h = StartedMaster(priority: 100);
        h.Router.HandleResign(Ms(5000));
        h.Drain();
        // A peer at higher priority takes over within our Skew_Time: we stay Backup behind it.
        Assert.Equal(RejectReason.None, h.Receive(Ms(5001), 200));
        Assert.Empty(h.Drain());
        Assert.Equal(RouterState.Backup, h.Router.State);
        Assert.Equal(Ms(5001) + h.Router.MasterDownInterval, h.Router.PollTimeout());
    }

    [Fact]
    public void Does_nothing_unless_master()
    {
        RouterHarness h = new(Options(priority: 100));
        h.Router.HandleResign(Ms(0));
        Assert.Empty(h.Drain());
        h.Start(Ms(0));
        Instant timeout = h.Router.PollTimeout();
        h.Router.HandleResign(Ms(10));
        Assert.Empty(h.Drain());
        Assert.Equal(timeout, h.Router.PollTimeout());
    }

    [Fact]
    public void A_sync_group_follows_its_resigning_member_out_of_master_and_back()
    {
        RouterHarness a = new(Options(priority: 100, name: "inside"));
        RouterHarness b = new(Options(priority: 100, name: "outside"));
        var group = new SyncGroup("G1", [a.Router, b.Router]);
        a.Start(Ms(0));
        b.Start(Ms(0));
        Instant down = a.Router.PollTimeout();
        a.Timeout(down);
        b.Timeout(down);
        Assert.Equal((RouterState.Master, RouterState.Master), (a.Router.State, b.Router.State));
        a.Drain();
        b.Drain();

        a.Router.HandleResign(Ms(5000));
        Assert.Equal(StateChangeReason.Resigned, Transition(a.Drain()).Reason);
        Assert.Equal((RouterState.Backup, StateChangeReason.SyncGroup), (b.Router.State, Transition(b.Drain()).Reason));
        Assert.Equal(RouterState.Backup, group.State);

        // The group goes Master again once every member wants it (keepalived vrrp_sync_can_goto_master):
        // b's Master_Down_Timer, then a's next one.
        Instant end = Ms(5000) + a.Router.MasterDownInterval * 2;
        for (Instant next = Instant.Min(a.Router.PollTimeout(), b.Router.PollTimeout()); next <= end && group.State != RouterState.Master;
             next = Instant.Min(a.Router.PollTimeout(), b.Router.PollTimeout()))
        {
            a.Timeout(next);
            b.Timeout(next);
        }
        Assert.Equal((RouterState.Master, RouterState.Master), (a.Router.State, b.Router.State));
        Assert.Equal(RouterState.Master, group.State);
    }
}
