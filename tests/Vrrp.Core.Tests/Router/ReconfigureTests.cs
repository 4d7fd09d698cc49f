using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

/// <summary>
/// Options applied to a running router (a reload that changes a priority, as keepalived applies
/// it): no transition, the new values in force at once; what defines the router is refused.
/// </summary>
public class ReconfigureTests
{
    private static RouterHarness Master(byte priority = 200)
    {
        RouterHarness h = new(Options(priority: priority, garpDelay: TimeSpan.Zero));
        h.Start(Ms(0));
        h.RunUntil(Ms(4000));
        Assert.Equal(RouterState.Master, h.Router.State);
        return h;
    }

    [Fact]
    public void A_master_takes_a_new_priority_without_a_transition_and_advertises_it()
    {
        RouterHarness h = Master();
        Instant since = h.Router.StateSince;
        Assert.True(h.Router.TryReconfigure(Ms(4010), Options(priority: 150, garpDelay: TimeSpan.Zero)));
        Assert.Empty(h.Drain());
        Assert.Equal(150, h.Router.EffectivePriority);
        Assert.Equal(RouterState.Master, h.Router.State);
        Assert.Equal(since, h.Router.StateSince);
        List<RouterAction> next = h.RunUntil(Ms(5100));
        Assert.Equal(150, Find(next, RouterActionKind.SendAdvertisement)!.Value.Priority);
        Assert.DoesNotContain(next, a => a.Kind == RouterActionKind.StateChanged);
    }

    [Fact]
    public void A_backup_times_its_master_with_the_new_skew()
    {
        RouterHarness h = new(Options(priority: 100));
        h.Start(Ms(0));
        h.Receive(Ms(100), 200);
        TimeSpan before = h.Router.MasterDownInterval;
        Assert.True(h.Router.TryReconfigure(Ms(200), Options(priority: 250)));
        Assert.Equal(RouterState.Backup, h.Router.State);
        // Skew_Time = (256 - priority) x Master_Adver_Interval / 256 (RFC 5798 6.1).
        Assert.Equal(before - TimeSpan.FromTicks(150 * TimeSpan.TicksPerSecond / 256), h.Router.MasterDownInterval);
    }

    [Fact]
    public void Tracker_weights_and_the_interval_change_in_place()
    {
        RouterHarness h = new(Options(priority: 100, trackers: [new TrackerOptions("script a", -10)]));
        h.Start(Ms(0));
        h.Router.SetTrackerState(Ms(1), 0, false);
        Assert.Equal(90, h.Router.EffectivePriority);
        Assert.True(h.Router.TryReconfigure(Ms(2), Options(priority: 100, intervalCs: 50, trackers: [new TrackerOptions("script a", -30)])));
        Assert.Equal(70, h.Router.EffectivePriority);
        Assert.False(h.Router.IsTrackerUp(0));
        Assert.Equal(TimeSpan.FromMilliseconds(500), h.Router.MasterAdverInterval);
    }

    [Theory]
    [InlineData("vrid")]
    [InlineData("version")]
    [InlineData("address")]
    [InlineData("owner")]
    [InlineData("tracker")]
    [InlineData("password")]
    public void What_defines_the_router_is_refused_and_nothing_changes(string change)
    {
        RouterHarness h = Master();
        VirtualRouterOptions o = Options(priority: 200, garpDelay: TimeSpan.Zero);
        VirtualRouterOptions next = change switch
        {
            "vrid" => o with { VirtualRouterId = 5 },
            "version" => o with { Version = VrrpVersion.V2 },
            "address" => o with { VirtualAddresses = [IpAddr.Parse("192.168.1.5")] },
            "owner" => o with { Priority = 255 },
            "tracker" => o with { Trackers = [new TrackerOptions("script b", -5)] },
            _ => o with { Version = VrrpVersion.V2, AuthType = VrrpAuthType.SimpleText, AuthPassword = "x" },
        };
        Assert.False(h.Router.CanReconfigure(next));
        Assert.False(h.Router.TryReconfigure(Ms(4010), next));
        Assert.Equal(200, h.Router.EffectivePriority);
        Assert.Equal(200, h.Router.Options.Priority);
        Assert.Equal(4, h.Router.Options.VirtualRouterId);
    }
}
