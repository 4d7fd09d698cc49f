using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class SyncGroupTests
{
    private readonly RouterHarness _a = new(Options(priority: 100, name: "inside"));
    private readonly RouterHarness _b = new(Options(priority: 100, name: "outside", trackers: [new("wan", 0)]));
    private readonly SyncGroup _group;

    public SyncGroupTests() => _group = new SyncGroup("G1", [_a.Router, _b.Router]);

    private List<SyncGroupTransition> GroupTransitions()
    {
        List<SyncGroupTransition> list = [];
        while (_group.TryPollTransition(out SyncGroupTransition t)) list.Add(t);
        return list;
    }

    private void StartBothAsMasters()
    {
        _a.Start(Ms(0));
        _b.Start(Ms(0));
        Instant down = _a.Router.PollTimeout();
        _a.Timeout(down);
        _b.Timeout(down);
        Assert.Equal((RouterState.Master, RouterState.Master), (_a.Router.State, _b.Router.State));
        _a.Drain();
        _b.Drain();
    }

    [Fact]
    public void Member_fault_puts_every_member_in_fault_and_recovery_returns_all_to_backup_keepalived()
    {
        StartBothAsMasters();
        _b.Router.SetTrackerState(Ms(5000), 0, false);
        RouterAction aFault = Transition(_a.Drain());
        RouterAction bFault = Transition(_b.Drain());
        Assert.Equal((RouterState.Fault, StateChangeReason.SyncGroup), (aFault.To, aFault.Reason));
        Assert.Equal((RouterState.Fault, StateChangeReason.TrackerFailed), (bFault.To, bFault.Reason));
        Assert.Equal(RouterState.Fault, _group.State);

        _b.Router.SetTrackerState(Ms(9000), 0, true);
        Assert.Equal((RouterState.Backup, StateChangeReason.SyncGroup), (Transition(_a.Drain()).To, _a.Router.StateReason));
        Assert.Equal((RouterState.Backup, StateChangeReason.TrackerRecovered), (Transition(_b.Drain()).To, _b.Router.StateReason));
        Assert.Equal(RouterState.Backup, _group.State);
        Assert.Equal([RouterState.Backup, RouterState.Master, RouterState.Fault, RouterState.Backup], GroupTransitions().Select(t => t.To));
    }

    [Fact]
    public void Member_leaving_master_takes_the_others_to_backup_keepalived()
    {
        StartBothAsMasters();
        _a.Receive(Ms(5000), 200);
        Assert.Equal(StateChangeReason.HigherPriority, Transition(_a.Drain()).Reason);
        List<RouterAction> b = _b.Drain();
        Assert.Equal([RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(b));
        Assert.Equal((RouterState.Backup, StateChangeReason.SyncGroup), (b[1].To, b[1].Reason));
        Assert.Equal(RouterState.Backup, _group.State);
    }

    [Fact]
    public void Backup_is_held_until_every_member_wants_master_then_all_go_together_keepalived()
    {
        _a.Start(Ms(0));
        _b.Start(Ms(0));
        // b keeps hearing a better Master; a's timer fires but the group holds it back.
        Instant down = _a.Router.PollTimeout();
        _b.Receive(down - TimeSpan.FromMilliseconds(100), 200);
        Assert.Empty(_a.Timeout(down));
        Assert.Equal(RouterState.Backup, _a.Router.State);
        Assert.Equal(1, _a.Router.Counters.HeldBySyncGroup);
        Assert.Equal(down + _a.Router.MasterDownInterval, _a.Router.PollTimeout());

        // b's Master goes silent: b's timer fires first, a already wants Master: both go.
        Instant bDown = _b.Router.PollTimeout();
        Assert.True(bDown < _a.Router.PollTimeout());
        Assert.Equal((RouterState.Master, StateChangeReason.MasterDown), (Transition(_b.Timeout(bDown)).To, _b.Router.StateReason));
        RouterAction aUp = Transition(_a.Drain());
        Assert.Equal((RouterState.Master, StateChangeReason.SyncGroup), (aUp.To, aUp.Reason));
        Assert.Equal(RouterState.Master, _group.State);
    }

    [Fact]
    public void Group_rejects_single_member_and_double_membership()
    {
        VirtualRouter lone = new(Options(name: "lone"));
        Assert.Throws<ArgumentException>(() => new SyncGroup("G", [lone]));
        Assert.Throws<ArgumentException>(() => new SyncGroup("G2", [_a.Router, lone]));
    }

    [Fact]
    public void Member_starting_while_another_has_a_fault_starts_in_fault_keepalived()
    {
        _b.Router.SetTrackerState(Ms(0), 0, false);
        _b.Start(Ms(0));
        RouterAction t = Transition(_a.Start(Ms(0)));
        Assert.Equal((RouterState.Fault, StateChangeReason.SyncGroup), (t.To, t.Reason));
        Assert.Equal(IpAddr.Parse("192.168.1.10"), _a.Router.Options.PrimaryAddress);
    }
}
