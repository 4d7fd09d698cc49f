using Vrrp.Core.Router;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class GratuitousTests
{
    private static (RouterHarness, Instant) Master(int repeat = 5, TimeSpan? delay = null, TimeSpan? refresh = null)
    {
        RouterHarness h = new(Options(priority: 255, garpRepeat: repeat, garpDelay: delay, garpRefresh: refresh));
        List<RouterAction> start = h.Start(Ms(0));
        Assert.Equal(RouterState.Master, h.Router.State);
        return (h, Ms(0));
    }

    [Fact]
    public void Burst_on_becoming_master_then_second_after_garp_master_delay_RFC5798_6_4_1_keepalived()
    {
        RouterHarness h = new(Options(priority: 255, garpRepeat: 3, garpDelay: TimeSpan.FromSeconds(5)));
        Assert.Equal(3, Find(h.Start(Ms(0)), RouterActionKind.SendGratuitous)!.Value.Repeat);
        List<RouterAction> later = h.RunUntil(Ms(10_000)).FindAll(a => a.Kind == RouterActionKind.SendGratuitous);
        RouterAction second = Assert.Single(later);
        Assert.Equal((Ms(5000), 3), (second.Time, second.Repeat));
    }

    [Fact]
    public void Garp_master_delay_zero_means_no_second_burst_keepalived()
    {
        (RouterHarness h, _) = Master(delay: TimeSpan.Zero);
        Assert.DoesNotContain(h.RunUntil(Ms(20_000)), a => a.Kind == RouterActionKind.SendGratuitous);
    }

    [Fact]
    public void Garp_master_repeat_zero_sends_no_gratuitous_keepalived()
    {
        RouterHarness h = new(Options(priority: 255, garpRepeat: 0));
        Assert.DoesNotContain(h.Start(Ms(0)), a => a.Kind == RouterActionKind.SendGratuitous);
        Assert.DoesNotContain(h.RunUntil(Ms(20_000)), a => a.Kind == RouterActionKind.SendGratuitous);
    }

    [Fact]
    public void Refresh_repeats_periodically_while_master_keepalived()
    {
        (RouterHarness h, _) = Master(delay: TimeSpan.Zero, refresh: TimeSpan.FromSeconds(60));
        List<RouterAction> bursts = h.RunUntil(Ms(200_000)).FindAll(a => a.Kind == RouterActionKind.SendGratuitous);
        Assert.Equal([Ms(60_000), Ms(120_000), Ms(180_000)], bursts.Select(b => b.Time));
        Assert.All(bursts, b => Assert.Equal(1, b.Repeat));
    }

    [Fact]
    public void Leaving_master_cancels_pending_bursts()
    {
        RouterHarness h = new(Options(priority: 100, garpDelay: TimeSpan.FromSeconds(5), garpRefresh: TimeSpan.FromSeconds(10)));
        h.Start(Ms(0));
        Instant became = h.Router.PollTimeout();
        h.Timeout(became);
        h.Receive(became + TimeSpan.FromSeconds(1), 200);
        Assert.Equal(RouterState.Backup, h.Router.State);
        h.Drain();
        // Only the Master_Down timer remains.
        Assert.Equal(became + TimeSpan.FromSeconds(1) + h.Router.MasterDownInterval, h.Router.PollTimeout());
    }
}
