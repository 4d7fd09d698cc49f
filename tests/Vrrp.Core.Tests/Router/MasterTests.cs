using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class MasterTests
{
    private static RouterHarness StartedMaster(byte priority = 100, VrrpVersion version = VrrpVersion.V3, int garpLowerRepeat = 0, TimeSpan? garpLowerDelay = null)
    {
        RouterHarness h = new(Options(priority: priority, version: version, garpLowerRepeat: garpLowerRepeat, garpLowerDelay: garpLowerDelay, garpDelay: TimeSpan.Zero));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        Assert.Equal(RouterState.Master, h.Router.State);
        return h;
    }

    [Fact]
    public void Sends_an_advertisement_every_interval_RFC5798_6_4_3()
    {
        RouterHarness h = StartedMaster();
        Instant start = h.Router.StateSince;
        List<RouterAction> actions = h.RunUntil(start + TimeSpan.FromSeconds(10));
        List<RouterAction> adverts = actions.FindAll(a => a.Kind == RouterActionKind.SendAdvertisement);
        Assert.Equal(10, adverts.Count);
        for (int i = 0; i < adverts.Count; i++) Assert.Equal(start + TimeSpan.FromSeconds(i + 1), adverts[i].Time);
    }

    [Fact]
    public void Higher_priority_sends_master_to_backup_and_removes_addresses_RFC5798_6_4_3()
    {
        RouterHarness h = StartedMaster(priority: 100);
        Instant now = h.Router.StateSince + TimeSpan.FromMilliseconds(300);
        Assert.Equal(RejectReason.None, h.Receive(now, 101, intervalCs: 200));
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal((RouterState.Master, RouterState.Backup, StateChangeReason.HigherPriority), (actions[1].From, actions[1].To, actions[1].Reason));
        // Master_Adver_Interval learned from the advertisement, Master_Down_Timer armed.
        Assert.Equal(VrrpTiming.FromCentiseconds(200), h.Router.MasterAdverInterval);
        Assert.Equal(now + h.Router.MasterDownInterval, h.Router.PollTimeout());
    }

    [Fact]
    public void Equal_priority_and_greater_source_address_wins_RFC5798_6_4_3()
    {
        RouterHarness h = StartedMaster(priority: 100);
        h.Receive(Ms(5000), 100, source: "192.168.1.11"); // greater than 192.168.1.10
        Assert.Equal(StateChangeReason.HigherAddress, Transition(h.Drain()).Reason);
    }

    [Fact]
    public void Equal_priority_and_smaller_source_address_loses_and_is_answered_RFC9568_6_4_3()
    {
        RouterHarness h = StartedMaster(priority: 100);
        h.Receive(Ms(5000), 100, source: "192.168.1.9");
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement], Kinds(actions));
        Assert.Equal(RouterState.Master, h.Router.State);
    }

    [Fact]
    public void Address_comparison_is_unsigned_network_order_RFC5798_6_4_3()
    {
        RouterHarness h = new(Options(priority: 100, self: "10.0.0.1"));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        h.Receive(Ms(5000), 100, source: "200.0.0.1"); // 0xC8... > 0x0A... as unsigned
        Assert.Equal(RouterState.Backup, h.Router.State);
    }

    [Fact]
    public void Lower_priority_is_answered_at_once_and_resets_adver_timer_RFC9568_6_4_3()
    {
        RouterHarness h = StartedMaster(priority: 200);
        Instant now = h.Router.StateSince + TimeSpan.FromMilliseconds(400);
        h.Receive(now, 100);
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement], Kinds(actions));
        Assert.Equal(200, actions[0].Priority);
        Assert.Equal(now + TimeSpan.FromSeconds(1), h.Router.PollTimeout());
        Assert.Equal(1, h.Router.Counters.LowerPriorityAnswered);
    }

    [Fact]
    public void Lower_priority_garp_burst_and_delayed_burst_keepalived()
    {
        RouterHarness h = StartedMaster(priority: 200, garpLowerRepeat: 2, garpLowerDelay: TimeSpan.FromMilliseconds(250));
        Instant now = h.Router.StateSince + TimeSpan.FromMilliseconds(100);
        h.Receive(now, 100);
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.SendGratuitous], Kinds(h.Drain()));
        Assert.Equal(now + TimeSpan.FromMilliseconds(250), h.Router.PollTimeout());
        List<RouterAction> later = h.Timeout(h.Router.PollTimeout());
        Assert.Equal(2, Assert.Single(later).Repeat);
    }

    [Fact]
    public void Lower_prio_no_advert_keeps_quiet_and_keeps_the_timer_keepalived()
    {
        RouterHarness h = new(Options(priority: 200) is var o ? new VirtualRouterOptions
        {
            Name = o.Name, VirtualRouterId = o.VirtualRouterId, Priority = 200, PrimaryAddress = o.PrimaryAddress,
            VirtualAddresses = o.VirtualAddresses, LowerPriorityNoAdvert = true,
        } : null!);
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        Instant next = h.Router.PollTimeout();
        h.Receive(next - TimeSpan.FromMilliseconds(500), 100);
        Assert.Empty(h.Drain());
        Assert.Equal(next, h.Router.PollTimeout());
    }

    [Fact]
    public void Higher_prio_send_advert_advertises_before_going_backup_keepalived()
    {
        RouterHarness h = new(Options(priority: 100) is var o ? new VirtualRouterOptions
        {
            Name = o.Name, VirtualRouterId = o.VirtualRouterId, PrimaryAddress = o.PrimaryAddress,
            VirtualAddresses = o.VirtualAddresses, HigherPrioritySendAdvert = true,
        } : null!);
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        h.Receive(Ms(6000), 200);
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(100, actions[0].Priority);
    }

    [Fact]
    public void Priority_zero_received_is_answered_at_once_RFC5798_6_4_3()
    {
        RouterHarness h = StartedMaster(priority: 100);
        Instant now = h.Router.StateSince + TimeSpan.FromMilliseconds(300);
        h.Receive(now, 0);
        Assert.Equal([RouterActionKind.SendAdvertisement], Kinds(h.Drain()));
        Assert.Equal(now + TimeSpan.FromSeconds(1), h.Router.PollTimeout());
        Assert.Equal(RouterState.Master, h.Router.State);
    }

    [Fact]
    public void Shutdown_sends_priority_zero_and_removes_addresses_RFC5798_6_4_3()
    {
        RouterHarness h = StartedMaster();
        h.Router.HandleShutdown(Ms(9000));
        List<RouterAction> actions = h.Drain();
        Assert.Equal([RouterActionKind.SendAdvertisement, RouterActionKind.RemoveAddresses, RouterActionKind.StateChanged], Kinds(actions));
        Assert.Equal(0, actions[0].Priority);
        Assert.Equal((RouterState.Initialize, StateChangeReason.Shutdown), (actions[2].To, actions[2].Reason));
        Assert.Equal(1, h.Router.Counters.PriorityZeroSent);
        // It can start again.
        Assert.Equal(RouterState.Backup, Transition(h.Start(Ms(10_000))).To);
    }

    [Fact]
    public void Created_advertisement_carries_configuration_and_round_trips()
    {
        RouterHarness h = new(Options(priority: 240, version: VrrpVersion.V2, auth: VrrpAuthType.SimpleText, password: "secret"));
        VrrpAdvertisement advert = h.Router.CreateAdvertisement(240);
        byte[] buffer = new byte[advert.BufferLength];
        int length = advert.Emit(buffer, Self, IpAddr.VrrpMulticastV4);
        Assert.Equal(ParseError.None, VrrpAdvertisement.TryParse(buffer.AsSpan(0, length), Self, IpAddr.VrrpMulticastV4, out VrrpAdvertisement parsed, out _));
        Assert.Equal((VrrpVersion.V2, (byte)4, (byte)240, (ushort)100, VrrpAuthType.SimpleText), (parsed.Version, parsed.VirtualRouterId, parsed.Priority, parsed.AdvertIntervalCentiseconds, parsed.AuthType));
        Assert.Equal("secret\0\0"u8.ToArray(), parsed.AuthData.ToArray());
        Assert.Equal(Vip, parsed.GetAddress(0));
    }
}
