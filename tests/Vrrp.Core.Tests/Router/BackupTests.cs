using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class BackupTests
{
    private static RouterHarness StartedBackup(byte priority = 100, bool preempt = true, TimeSpan? preemptDelay = null)
    {
        RouterHarness h = new(Options(priority: priority, preempt: preempt, preemptDelay: preemptDelay));
        h.Start(Ms(0));
        return h;
    }

    [Fact]
    public void Priority_zero_sets_master_down_timer_to_skew_time_RFC5798_6_4_2()
    {
        RouterHarness h = StartedBackup(priority: 100);
        h.Receive(Ms(500), 200);
        h.Receive(Ms(1000), 0);
        Assert.Equal(Ms(1000) + h.Router.SkewTime, h.Router.PollTimeout());
        RouterAction t = Transition(h.Timeout(h.Router.PollTimeout()));
        Assert.Equal((RouterState.Master, StateChangeReason.MasterReleased), (t.To, t.Reason));
    }

    [Fact]
    public void Higher_or_equal_priority_resets_master_down_timer_RFC5798_6_4_2()
    {
        RouterHarness h = StartedBackup(priority: 100);
        h.Receive(Ms(2000), 100);
        Assert.Equal(Ms(2000) + h.Router.MasterDownInterval, h.Router.PollTimeout());
        h.Receive(Ms(2500), 150);
        Assert.Equal(Ms(2500) + h.Router.MasterDownInterval, h.Router.PollTimeout());
        Assert.Equal(IpAddr.Parse("192.168.1.20"), h.Router.MasterAddress);
        Assert.Equal(150, h.Router.MasterPriority);
    }

    [Fact]
    public void Preempt_discards_lower_priority_and_takes_over_when_timer_fires_RFC5798_6_4_2()
    {
        RouterHarness h = StartedBackup(priority: 200);
        Instant deadline = h.Router.PollTimeout();
        for (int ms = 1000; ms < 3500; ms += 1000) Assert.Equal(RejectReason.None, h.Receive(Ms(ms), 100));
        Assert.Equal(deadline, h.Router.PollTimeout()); // not reset
        Assert.Equal(3, h.Router.Counters.LowerPriorityDiscarded);
        List<RouterAction> actions = h.Timeout(deadline);
        RouterAction t = Transition(actions);
        Assert.Equal((RouterState.Master, StateChangeReason.Preempted), (t.To, t.Reason));
    }

    [Fact]
    public void Nopreempt_accepts_lower_priority_and_stays_backup_RFC5798_6_4_2()
    {
        RouterHarness h = StartedBackup(priority: 200, preempt: false);
        for (int ms = 1000; ms <= 10_000; ms += 1000)
        {
            h.Receive(Ms(ms), 100);
            Assert.Empty(h.Timeout(Ms(ms)));
        }
        Assert.Equal(RouterState.Backup, h.Router.State);
        Assert.Equal(Ms(10_000) + h.Router.MasterDownInterval, h.Router.PollTimeout());
    }

    [Fact]
    public void Master_down_timer_fires_sends_advert_adds_addresses_and_garp_RFC5798_6_4_2()
    {
        RouterHarness h = StartedBackup(priority: 100);
        List<RouterAction> actions = h.Timeout(h.Router.PollTimeout());
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.AddAddresses, RouterActionKind.SendGratuitous, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(100, actions[0].Priority);
        Assert.Equal(StateChangeReason.MasterDown, actions[3].Reason);
        Assert.Equal(1, h.Router.Counters.BecameMaster);
    }

    [Fact]
    public void Preempt_delay_accepts_lower_priority_master_until_delay_after_first_seen_keepalived()
    {
        RouterHarness h = StartedBackup(priority: 200, preemptDelay: TimeSpan.FromSeconds(10));
        // First lower-priority advert at 1 s starts the delay; until 11 s adverts are accepted.
        for (int s = 1; s <= 10; s++)
        {
            h.Receive(Ms(s * 1000), 100);
            Assert.Empty(h.Timeout(Ms(s * 1000)));
        }
        Assert.Equal(RouterState.Backup, h.Router.State);
        // From 11 s on they are discarded; the last accepted one (10 s) started Master_Down.
        Instant deadline = Ms(10_000) + h.Router.MasterDownInterval;
        for (int s = 11; Ms(s * 1000) < deadline; s++) h.Receive(Ms(s * 1000), 100);
        Assert.Equal(deadline, h.Router.PollTimeout());
        Assert.Equal(StateChangeReason.Preempted, Transition(h.Timeout(deadline)).Reason);
    }

    [Fact]
    public void Preempt_delay_stops_when_a_higher_priority_is_heard_keepalived()
    {
        RouterHarness h = StartedBackup(priority: 200, preemptDelay: TimeSpan.FromSeconds(10));
        h.Receive(Ms(1000), 100);   // starts the delay (until 11 s)
        h.Receive(Ms(2000), 250);   // higher priority: delay cleared
        h.Receive(Ms(12_000), 100); // a new lower-priority master: delay starts again, accepted
        Assert.Equal(Ms(12_000) + h.Router.MasterDownInterval, h.Router.PollTimeout());
    }

    [Fact]
    public void Shutdown_as_backup_cancels_timer_and_sends_nothing_RFC5798_6_4_2()
    {
        RouterHarness h = StartedBackup();
        h.Router.HandleShutdown(Ms(100));
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal((RouterState.Initialize, StateChangeReason.Shutdown), (actions[0].To, actions[0].Reason));
        Assert.Equal(Instant.Never, h.Router.PollTimeout());
    }
}
