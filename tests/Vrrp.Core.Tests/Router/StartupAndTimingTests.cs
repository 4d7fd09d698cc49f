using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class StartupAndTimingTests
{
    [Fact]
    public void Owner_becomes_master_at_once_RFC5798_6_4_1()
    {
        RouterHarness h = new(Options(priority: 255));
        List<RouterAction> actions = h.Start(Ms(0));
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.AddAddresses, RouterActionKind.SendGratuitous, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(255, actions[0].Priority);
        Assert.Equal((RouterState.Initialize, RouterState.Master, StateChangeReason.AddressOwner), (actions[3].From, actions[3].To, actions[3].Reason));
        Assert.Equal(Ms(1000), h.Router.PollTimeout()); // Adver_Timer = Advertisement_Interval
    }

    [Fact]
    public void Non_owner_starts_backup_with_master_down_timer_RFC5798_6_4_1()
    {
        RouterHarness h = new(Options(priority: 100));
        List<RouterAction> actions = h.Start(Ms(0));
        RouterAction t = Transition(actions);
        Assert.Equal((RouterState.Backup, StateChangeReason.Startup), (t.To, t.Reason));
        Assert.DoesNotContain(actions, a => a.Kind == RouterActionKind.SendAdvertisement);
        // 3 * 1 s + (256 - 100) / 256 * 1 s
        Assert.Equal(new Instant(3 * TimeSpan.TicksPerSecond + 156 * TimeSpan.TicksPerSecond / 256), h.Router.PollTimeout());
    }

    [Fact]
    public void State_master_hint_enters_backup_then_master_at_once_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, initial: RouterState.Master));
        Assert.Equal(RouterState.Backup, Transition(h.Start(Ms(0))).To);
        Assert.Equal(Ms(0), h.Router.PollTimeout());
        RouterAction t = Transition(h.Timeout(Ms(0)));
        Assert.Equal((RouterState.Backup, RouterState.Master, StateChangeReason.InitialStateMaster), (t.From, t.To, t.Reason));
    }

    [Fact]
    public void State_master_hint_yields_to_a_better_master_heard_first_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, initial: RouterState.Master));
        h.Start(Ms(0));
        Assert.Equal(RejectReason.None, h.Receive(Ms(0), 200));
        Assert.Empty(h.Timeout(Ms(0)));
        Assert.Equal(RouterState.Backup, h.Router.State);
    }

    [Fact]
    public void State_master_hint_forces_preemption_keepalived()
    {
        VirtualRouter router = new(Options(priority: 100, initial: RouterState.Master, preempt: false));
        Assert.True(router.EffectivePreempt);
        Assert.Contains(router.Warnings, w => w.Contains("nopreempt does not work with state MASTER"));
    }

    [Fact]
    public void Interface_down_at_startup_enters_fault_keepalived()
    {
        RouterHarness h = new(Options());
        h.Router.SetInterfaceUp(Ms(0), false);
        RouterAction t = Transition(h.Start(Ms(0)));
        Assert.Equal((RouterState.Fault, StateChangeReason.InterfaceDown), (t.To, t.Reason));
        Assert.Equal(Instant.Never, h.Router.PollTimeout());
    }

    [Theory]
    [InlineData(100, 156 * TimeSpan.TicksPerSecond / 256)]
    [InlineData(254, 2 * TimeSpan.TicksPerSecond / 256)]
    [InlineData(1, 255 * TimeSpan.TicksPerSecond / 256)]
    public void V2_skew_is_256_minus_priority_over_256_seconds_RFC3768_6_1(byte priority, long skewTicks)
    {
        Assert.Equal(skewTicks, VrrpTiming.SkewTime(VrrpVersion.V2, priority, TimeSpan.FromSeconds(5)).Ticks);
        Assert.Equal(15 * TimeSpan.TicksPerSecond + skewTicks, VrrpTiming.MasterDownInterval(VrrpVersion.V2, priority, TimeSpan.FromSeconds(5)).Ticks);
    }

    [Fact]
    public void V3_skew_scales_with_master_adver_interval_and_never_truncates_RFC5798_6_1()
    {
        // 1 cs at priority 254: (2 * 100000 ticks) / 256 = 781 ticks, not 0 centiseconds.
        Assert.Equal(781, VrrpTiming.SkewTime(VrrpVersion.V3, 254, VrrpTiming.FromCentiseconds(1)).Ticks);
        // 10 ms interval, priority 245: skew = 11 * 100000 / 256 = 4296 ticks; MDI = 30 ms + skew.
        Assert.Equal(4296, VrrpTiming.SkewTime(VrrpVersion.V3, 245, VrrpTiming.FromCentiseconds(1)).Ticks);
        Assert.Equal(300_000 + 4296, VrrpTiming.MasterDownInterval(VrrpVersion.V3, 245, VrrpTiming.FromCentiseconds(1)).Ticks);
    }

    [Fact]
    public void Down_timer_adverts_replaces_the_three_intervals_keepalived()
    {
        VirtualRouterOptions options = new()
        {
            Name = "vi", VirtualRouterId = 4, Priority = 100, AdvertIntervalCentiseconds = 100, DownTimerAdverts = 5,
            VirtualAddresses = [RouterHarness.Vip], PrimaryAddress = RouterHarness.Self,
        };
        RouterHarness h = new(options);
        h.Start(Ms(0));
        TimeSpan skew = VrrpTiming.SkewTime(VrrpVersion.V3, 100, TimeSpan.FromSeconds(1));
        Assert.Equal(5 * TimeSpan.FromSeconds(1) + skew, h.Router.MasterDownInterval);
        Assert.Equal(Ms(0) + 5 * TimeSpan.FromSeconds(1) + skew, h.Router.PollTimeout());
        Assert.Throws<ArgumentException>(() => new VirtualRouter(new VirtualRouterOptions
        {
            Name = "vi", VirtualRouterId = 4, DownTimerAdverts = 0, VirtualAddresses = [RouterHarness.Vip], PrimaryAddress = RouterHarness.Self,
        }));
    }

    [Fact]
    public void Ipv6_primary_address_may_be_global_only_for_unicast_peers()
    {
        IpAddr global = IpAddr.Parse("2001:db8::10"), vip = IpAddr.Parse("2001:db8::4");
        Assert.Throws<ArgumentException>(() => new VirtualRouter(new VirtualRouterOptions
        {
            Name = "vi", VirtualRouterId = 4, VirtualAddresses = [vip], PrimaryAddress = global,
        }));
        VirtualRouter unicast = new(new VirtualRouterOptions
        {
            Name = "vi", VirtualRouterId = 4, VirtualAddresses = [vip], PrimaryAddress = global, Unicast = true,
        });
        Assert.Empty(unicast.Warnings);
    }

    [Fact]
    public void Backup_learns_master_adver_interval_from_v3_advert_RFC5798_6_4_2()
    {
        RouterHarness h = new(Options(priority: 100, intervalCs: 100));
        h.Start(Ms(0));
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 200, intervalCs: 50));
        Assert.Equal(VrrpTiming.FromCentiseconds(50), h.Router.MasterAdverInterval);
        Assert.Equal(50, h.Router.MasterAdvertIntervalCentiseconds);
        Assert.Equal(Ms(10) + VrrpTiming.MasterDownInterval(VrrpVersion.V3, 100, TimeSpan.FromMilliseconds(500)), h.Router.PollTimeout());
    }

    [Fact]
    public void Becoming_master_returns_to_own_interval_keepalived()
    {
        RouterHarness h = new(Options(priority: 100, intervalCs: 100));
        h.Start(Ms(0));
        h.Receive(Ms(0), 200, intervalCs: 50);
        List<RouterAction> actions = h.Timeout(h.Router.PollTimeout());
        Assert.Equal(RouterState.Master, Transition(actions).To);
        Assert.Equal(VrrpTiming.FromCentiseconds(100), h.Router.MasterAdverInterval);
    }
}
