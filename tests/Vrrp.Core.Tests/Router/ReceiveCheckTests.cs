using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class ReceiveCheckTests
{
    private static RouterHarness Backup(VirtualRouterOptions options)
    {
        RouterHarness h = new(options);
        h.Start(Ms(0));
        return h;
    }

    [Fact]
    public void V2_auth_type_must_match_RFC3768_7_1()
    {
        RouterHarness h = Backup(Options(version: VrrpVersion.V2, auth: VrrpAuthType.SimpleText, password: "secret"));
        Assert.Equal(RejectReason.AuthTypeMismatch, h.Receive(Ms(10), 200, auth: VrrpAuthType.None));
        RouterHarness open = Backup(Options(version: VrrpVersion.V2));
        Assert.Equal(RejectReason.AuthTypeMismatch, open.Receive(Ms(10), 200, auth: VrrpAuthType.SimpleText, password: "secret"));
    }

    [Fact]
    public void V2_simple_password_must_match_all_eight_bytes_keepalived_PASS()
    {
        RouterHarness h = Backup(Options(version: VrrpVersion.V2, auth: VrrpAuthType.SimpleText, password: "secret"));
        Assert.Equal(RejectReason.AuthMismatch, h.Receive(Ms(10), 200, password: "secreT"));
        Assert.Equal(RejectReason.AuthMismatch, h.Receive(Ms(10), 200, password: "secret1"));
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 200, password: "secret"));
        Assert.Equal(2, h.Router.Counters.Rejected(RejectReason.AuthMismatch));
    }

    [Fact]
    public void V2_password_longer_than_eight_bytes_is_truncated_keepalived()
    {
        RouterHarness h = Backup(Options(version: VrrpVersion.V2, auth: VrrpAuthType.SimpleText, password: "0123456789"));
        Assert.Contains(h.Router.Warnings, w => w.Contains("longer than 8"));
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 200, password: "01234567"));
    }

    [Fact]
    public void V2_advert_interval_must_match_RFC3768_7_1()
    {
        RouterHarness h = Backup(Options(version: VrrpVersion.V2, intervalCs: 100));
        Instant deadline = h.Router.PollTimeout();
        Assert.Equal(RejectReason.IntervalMismatch, h.Receive(Ms(10), 200, intervalCs: 200));
        Assert.Equal(deadline, h.Router.PollTimeout());
        Assert.Equal(1, h.Router.Counters.Rejected(RejectReason.IntervalMismatch));
    }

    [Fact]
    public void V3_differing_interval_is_accepted_RFC5798_7_1()
    {
        RouterHarness h = Backup(Options(intervalCs: 100));
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 200, intervalCs: 25));
        Assert.Equal(25, h.Router.MasterAdvertIntervalCentiseconds);
    }

    [Fact]
    public void Version_must_match_RFC5798_7_1()
    {
        RouterHarness h = Backup(Options(version: VrrpVersion.V3));
        Assert.Equal(RejectReason.VersionMismatch, h.Receive(Ms(10), 200, version: VrrpVersion.V2));
        Assert.Equal(1, h.Router.Counters.Rejected(RejectReason.VersionMismatch));
    }

    [Fact]
    public void V3_address_list_mismatch_is_accepted_counted_and_reported_once_per_change_RFC5798_7_1()
    {
        RouterHarness h = Backup(Options());
        string[] other = ["192.168.1.5"];
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 200, addresses: other));
        Assert.Equal(RouterActionKind.AddressListMismatch, Assert.Single(h.Drain()).Kind);
        Assert.Equal(RejectReason.None, h.Receive(Ms(20), 200, addresses: other));
        Assert.Empty(h.Drain());
        Assert.Equal(RejectReason.None, h.Receive(Ms(30), 200, addresses: ["192.168.1.6"]));
        Assert.Single(h.Drain());
        Assert.Equal(3, h.Router.Counters.AddressListMismatches);
        Assert.Equal(200, h.Router.MasterPriority);
    }

    [Fact]
    public void Address_order_does_not_matter_keepalived()
    {
        VirtualRouterOptions options = Options() is var o ? new VirtualRouterOptions
        {
            Name = o.Name, VirtualRouterId = o.VirtualRouterId, PrimaryAddress = o.PrimaryAddress,
            VirtualAddresses = [IpAddr.Parse("192.168.1.4"), IpAddr.Parse("192.168.1.5")],
        } : null!;
        RouterHarness h = Backup(options);
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 200, addresses: ["192.168.1.5", "192.168.1.4"]));
        Assert.Equal(0, h.Router.Counters.AddressListMismatches);
    }

    [Fact]
    public void Strict_address_check_drops_a_differing_list_keepalived()
    {
        RouterHarness h = Backup(Options(strict: true));
        Instant deadline = h.Router.PollTimeout();
        Assert.Equal(RejectReason.AddressListMismatch, h.Receive(Ms(10), 200, addresses: ["192.168.1.5"]));
        Assert.Equal(deadline, h.Router.PollTimeout());
    }

    [Fact]
    public void V2_address_list_mismatch_is_dropped_unless_sent_by_owner_RFC3768_7_1()
    {
        RouterHarness h = Backup(Options(version: VrrpVersion.V2));
        Assert.Equal(RejectReason.AddressListMismatch, h.Receive(Ms(10), 200, addresses: ["192.168.1.5"]));
        Assert.Equal(RejectReason.None, h.Receive(Ms(10), 255, addresses: ["192.168.1.5"]));
    }

    [Fact]
    public void Own_advertisement_looped_back_is_rejected()
    {
        RouterHarness h = new(Options(priority: 100));
        h.Start(Ms(0));
        h.Timeout(h.Router.PollTimeout());
        Assert.Equal(RejectReason.OwnAdvertisement, h.Receive(Ms(5000), 100, source: "192.168.1.10"));
        Assert.Empty(h.Drain());
    }

    [Fact]
    public void Nothing_is_accepted_before_startup_or_in_fault_keepalived()
    {
        RouterHarness h = new(Options());
        Assert.Equal(RejectReason.NotActive, h.Receive(Ms(0), 200));
        h.Router.SetInterfaceUp(Ms(0), false);
        h.Start(Ms(0));
        Assert.Equal(RejectReason.NotActive, h.Receive(Ms(10), 200));
        Assert.Equal(2, h.Router.Counters.Rejected(RejectReason.NotActive));
    }
}
