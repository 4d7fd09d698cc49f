using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class OptionsTests
{
    private static VirtualRouterOptions With(Func<VirtualRouterOptions, VirtualRouterOptions> change) => change(Options());

    public static TheoryData<string, Func<VirtualRouterOptions>> Invalid => new()
    {
        { "VirtualRouterId", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 0, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "Priority", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, Priority = 0, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "AdvertIntervalCentiseconds", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, AdvertIntervalCentiseconds = 4096, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "AdvertIntervalCentiseconds", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, Version = VrrpVersion.V2, AdvertIntervalCentiseconds = 150, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "VirtualAddresses", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, VirtualAddresses = [], PrimaryAddress = Self } },
        { "VirtualAddresses", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, VirtualAddresses = [IpAddr.Parse("fe80::1")], PrimaryAddress = Self } },
        { "VirtualAddresses", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, VirtualAddresses = [Vip, Vip], PrimaryAddress = Self } },
        { "Version", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, Version = VrrpVersion.V2, VirtualAddresses = [IpAddr.Parse("fe80::1")], PrimaryAddress = IpAddr.Parse("fe80::2") } },
        { "PrimaryAddress", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, VirtualAddresses = [IpAddr.Parse("fe80::1")], PrimaryAddress = IpAddr.Parse("2001:db8::2") } },
        { "PrimaryAddress", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, VirtualAddresses = [Vip], PrimaryAddress = default } },
        { "AuthType", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, Version = VrrpVersion.V2, AuthType = VrrpAuthType.IpAuthenticationHeader, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "AuthPassword", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, Version = VrrpVersion.V2, AuthType = VrrpAuthType.SimpleText, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "PreemptDelay", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, PreemptDelay = TimeSpan.FromSeconds(1001), VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "Trackers", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, Trackers = [new("t", 300)], VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "InitialState", () => new VirtualRouterOptions { Name = "x", VirtualRouterId = 1, InitialState = RouterState.Fault, VirtualAddresses = [Vip], PrimaryAddress = Self } },
        { "Name", () => new VirtualRouterOptions { Name = " ", VirtualRouterId = 1, VirtualAddresses = [Vip], PrimaryAddress = Self } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_throw_naming_the_option(string option, Func<VirtualRouterOptions> build)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new VirtualRouter(build()));
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith(option + ":", e.Message);
    }

    [Fact]
    public void Keepalived_corrections_are_applied_with_warnings()
    {
        VirtualRouter owner = new(Options(priority: 255, preempt: false));
        Assert.True(owner.EffectivePreempt);
        Assert.Contains(owner.Warnings, w => w.Contains("nopreempt is incompatible with priority 255"));

        VirtualRouter both = new(Options(preempt: false, preemptDelay: TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, both.EffectivePreemptDelay);
        Assert.Contains(both.Warnings, w => w.Contains("preempt_delay is incompatible with nopreempt"));

        VirtualRouter master = new(Options(initial: RouterState.Master, preemptDelay: TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, master.EffectivePreemptDelay);
        Assert.Contains(master.Warnings, w => w.Contains("preempt delay will not work with initial state MASTER"));
    }

    [Fact]
    public void Valid_options_have_no_warnings()
    {
        Assert.Empty(Options(priority: 245, preemptDelay: TimeSpan.FromSeconds(5)).Validate());
        Assert.Empty(With(o => o).Validate());
    }

    [Fact]
    public void Ipv6_router_warns_when_first_virtual_address_is_not_link_local_RFC5798_5_2_9()
    {
        VirtualRouterOptions o = new()
        {
            Name = "v6", VirtualRouterId = 1, PrimaryAddress = IpAddr.Parse("fe80::2"),
            VirtualAddresses = [IpAddr.Parse("2001:db8::1")],
        };
        Assert.Contains(o.Validate(), w => w.Contains("not link-local"));
    }
}
