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
        Assert.Contains(owner.Warnings, w => w.Contains("nopreempt does not apply to priority 255"));

        VirtualRouter both = new(Options(preempt: false, preemptDelay: TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, both.EffectivePreemptDelay);
        Assert.Contains(both.Warnings, w => w.Contains("preempt_delay does not apply with nopreempt"));

        VirtualRouter master = new(Options(initial: RouterState.Master, preemptDelay: TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, master.EffectivePreemptDelay);
        Assert.Contains(master.Warnings, w => w.Contains("preempt_delay does not work with state MASTER"));
    }

    [Fact]
    public void Valid_options_have_no_warnings()
    {
        Assert.Empty(Options(priority: 245, preemptDelay: TimeSpan.FromSeconds(5)).Normalize().Warnings);
        Assert.Empty(With(o => o).Normalize().Warnings);
    }

    [Fact]
    public void Ipv6_router_warns_when_first_virtual_address_is_not_link_local_RFC5798_5_2_9()
    {
        VirtualRouterOptions o = new()
        {
            Name = "v6", VirtualRouterId = 1, PrimaryAddress = IpAddr.Parse("fe80::2"),
            VirtualAddresses = [IpAddr.Parse("2001:db8::1")],
        };
        Assert.Contains(o.Normalize().Warnings, w => w.Message.Contains("not link-local"));
    }
    [Fact]
    public void Normalize_names_each_corrected_option_and_returns_the_corrected_values()
    {
        NormalizedOptions n = Options(initial: RouterState.Master, preempt: false, preemptDelay: TimeSpan.FromSeconds(30)).Normalize();
        Assert.Equal([nameof(VirtualRouterOptions.Preempt), nameof(VirtualRouterOptions.PreemptDelay)], n.Warnings.Select(w => w.Option));
        Assert.True(n.Options.Preempt);
        Assert.Equal(TimeSpan.Zero, n.Options.PreemptDelay);
        Assert.Empty(n.Options.Normalize().Warnings); // normalized options need no more correction

        NormalizedOptions v3 = Options(auth: VrrpAuthType.SimpleText, password: "secret").Normalize();
        Assert.Equal(nameof(VirtualRouterOptions.AuthType), Assert.Single(v3.Warnings).Option);
        Assert.Equal((VrrpAuthType.None, (string?)null), (v3.Options.AuthType, v3.Options.AuthPassword));

        VirtualRouterOptions fine = Options(priority: 200, preemptDelay: TimeSpan.FromSeconds(5));
        Assert.Same(fine, fine.Normalize().Options);
    }

    [Fact]
    public void Owner_with_nopreempt_keeps_its_preempt_delay_in_keepalived_order()
    {
        // keepalived vrrp_complete_instance: the owner's nopreempt is reset first, so the
        // nopreempt/preempt_delay check that follows no longer applies.
        NormalizedOptions n = Options(priority: 255, preempt: false, preemptDelay: TimeSpan.FromSeconds(5)).Normalize();
        Assert.Equal(nameof(VirtualRouterOptions.Preempt), Assert.Single(n.Warnings).Option);
        Assert.Equal(TimeSpan.FromSeconds(5), n.Options.PreemptDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), new VirtualRouter(n.Options).EffectivePreemptDelay);
    }

    [Fact]
    public void The_primary_address_may_be_left_for_the_host_but_a_router_needs_it()
    {
        VirtualRouterOptions o = new() { Name = "x", VirtualRouterId = 1, VirtualAddresses = [Vip], Preempt = false, InitialState = RouterState.Master };
        Assert.Equal(IpFamily.None, o.PrimaryAddress.Family);
        Assert.True(o.Normalize().Options.Preempt);
        Assert.Equal("PrimaryAddress", Assert.Throws<ArgumentException>(() => new VirtualRouter(o)).ParamName);
        Assert.True(new VirtualRouter(o with { PrimaryAddress = Self }).EffectivePreempt);
    }

    [Fact]
    public void Options_compare_by_value_lists_item_by_item()
    {
        VirtualRouterOptions a = Options(trackers: [new("t", 10)]), b = Options(trackers: [new("t", 10)]);
        Assert.NotSame(a.VirtualAddresses, b.VirtualAddresses);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Trackers = [new("t", 20)] });
        Assert.NotEqual(a, b with { VirtualAddresses = [Vip, IpAddr.Parse("192.168.1.5")] });
    }

    [Fact]
    public void Every_setting_takes_part_in_equality()
    {
        VirtualRouterOptions a = Options(trackers: [new("t", 10)], password: "p");
        foreach (var property in typeof(VirtualRouterOptions).GetProperties().Where(p => p.SetMethod is not null))
        {
            object? value = property.GetValue(a);
            object changed = value switch
            {
                string text => text + "x",
                bool flag => !flag,
                byte number => (byte)(number + 1),
                ushort number => (ushort)(number + 100),
                int number => number + 1,
                TimeSpan span => span + TimeSpan.FromSeconds(1),
                VrrpVersion version => version == VrrpVersion.V2 ? VrrpVersion.V3 : VrrpVersion.V2,
                RouterState state => state == RouterState.Master ? RouterState.Backup : RouterState.Master,
                VrrpAuthType auth => auth == VrrpAuthType.None ? VrrpAuthType.SimpleText : VrrpAuthType.None,
                IpAddr address => address == Self ? IpAddr.Parse("192.168.1.11") : Self,
                IReadOnlyList<IpAddr> addresses => (IReadOnlyList<IpAddr>)[.. addresses, IpAddr.Parse("192.168.1.99")],
                IReadOnlyList<TrackerOptions> trackers => (IReadOnlyList<TrackerOptions>)[.. trackers, new TrackerOptions("u", 1)],
                _ => throw new InvalidOperationException($"no changed value for {property.Name} of type {property.PropertyType}"),
            };
            VirtualRouterOptions b = a with { };
            property.SetValue(b, changed);
            Assert.False(a.Equals(b), $"{property.Name} does not take part in Equals");
        }
    }
}
