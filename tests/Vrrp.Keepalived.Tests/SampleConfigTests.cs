using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using Vrrp.Lab;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// keepalived's own VRRP samples (its doc/samples), the configurations that produced the test
/// vectors, examples written from keepalived.conf(5), and the MAP-E gateway example.
/// </summary>
public class SampleConfigTests
{
    public static TheoryData<string> AcceptedSamples =>
    [
        "vrrp.conf", "vrrp.sync.conf", "vrrp.scripts.conf", "vrrp.localcheck.conf", "unicast.conf", "ipv6.conf", "definitions.conf",
        "vector-garp.conf", "vector-v2-auth-pass.conf", "vector-v2-vrid4.conf", "vector-v3-ipv4-2vips.conf",
        "vector-v3-ipv4-unicast.conf", "vector-v3-ipv6.conf",
    ];

    private static KeepalivedConfig LoadSample(string name, string configId = "testhost")
    {
        ConfigLoadResult result = ConfigLoader.LoadFile(SamplePath(name), new ConfigLoadOptions(configId));
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        return result.Config!;
    }

    [Theory]
    [MemberData(nameof(AcceptedSamples))]
    public void Sample_is_accepted(string name) => LoadSample(name);

    [Theory]
    [MemberData(nameof(AcceptedSamples))]
    public void Sample_instances_make_routers_with_options_already_normalized(string name)
    {
        // `vrrpd -t` on the samples is checked in vrrpd.Tests (ConfigTestCommandTests); here the
        // library's own promise: every instance gives options a router accepts as they are.
        KeepalivedConfig config = LoadSample(name);
        foreach (VrrpInstanceConfig instance in config.Instances)
        {
            VirtualRouterOptions options = InstanceOptions.ToRouterOptions(config, instance);
            if (options.PrimaryAddress.Family == IpFamily.None)
                options = options with { PrimaryAddress = IpAddr.Parse(instance.Family == IpFamily.IPv6 ? "fe80::ffff:1" : "192.0.2.254") };
            NormalizedOptions normalized = options.Normalize();
            Assert.Same(options, normalized.Options);
            Assert.Equal(normalized.Warnings.Count, new VirtualRouter(options).Warnings.Count);
        }
    }

    [Fact]
    public void Classic_vrrp_sample()
    {
        KeepalivedConfig config = LoadSample("vrrp.conf");
        Assert.Equal(["VI_1", "VI_2", "VI_3", "VI_4"], config.Instances.Select(i => i.Name));
        VrrpInstanceConfig vi1 = config.FindInstance("VI_1")!;
        Assert.Equal(InitialState.Master, vi1.InitialState);
        Assert.Equal(TimeSpan.FromSeconds(10), vi1.Garp.MasterDelay);
        Assert.Equal("1111", vi1.AuthPassword);
        // 192.168.200.18 is listed twice in the sample; the second (with a label) is dropped with a warning.
        Assert.Equal(3, vi1.VirtualAddresses.Count);
        Assert.Equal("LVS_DEVEL", config.Global.RouterId);
        Assert.Equal(50, config.FindInstance("VI_2")!.Priority);
    }

    [Fact]
    public void Sync_group_sample()
    {
        KeepalivedConfig config = LoadSample("vrrp.sync.conf");
        Assert.Equal(["G1", "G2"], config.SyncGroups.Select(g => g.Name));
        Assert.Equal(["VI_1", "VI_2", "VI_5", "VI_6", "VI_7", "VI_8", "VI_9"], config.FindSyncGroup("G1")!.Members);
        Assert.Equal(["/usr/local/bin/vrrp.back", "arg1", "arg2"], config.FindSyncGroup("G1")!.Notify.Backup!.Arguments);
        Assert.Equal("G2", config.FindInstance("VI_4")!.SyncGroup);
    }

    [Fact]
    public void Local_check_sample_resolves_script_weights()
    {
        KeepalivedConfig config = LoadSample("vrrp.localcheck.conf");
        VrrpInstanceConfig vi1 = config.FindInstance("VI_1")!;
        Assert.Equal(
            [new("chk_sshd", -4, false), new("chk_haproxy", 2, false), new("chk_http_port", -2, false), new("chk_https_port", -2, false), new("chk_smtp_port", -2, false)],
            vi1.TrackScripts.AsSpan().ToArray());
        Assert.Equal([new("eth1", 2, false), new("eth2", -2, false), new("eth3", 0, false)], vi1.TrackInterfaces.AsSpan().ToArray());
        VrrpScriptConfig sshd = config.FindScript("chk_sshd")!;
        Assert.Equal(["killall", "-0", "sshd"], sshd.Command.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(2), sshd.Interval);
        Assert.Equal(2, sshd.Fall);
        Assert.Equal(["</dev/tcp/127.0.0.1/80"], config.FindScript("chk_http_port")!.Command.Arguments);
    }

    [Fact]
    public void Unicast_and_ipv6_samples()
    {
        VrrpInstanceConfig unicast = LoadSample("unicast.conf").Instances.Single();
        Assert.Equal(IpAddr.Parse("192.168.200.1"), unicast.SourceAddress);
        Assert.Equal(2, unicast.UnicastPeers.Count);
        Assert.True(unicast.CheckUnicastSource);
        Assert.Equal("eth0:vip", unicast.VirtualAddresses.Single().Label);

        VrrpInstanceConfig v6 = LoadSample("ipv6.conf").Instances.Single();
        Assert.Equal(VrrpVersion.V3, v6.Version);
        Assert.Equal(IpFamily.IPv6, v6.Family);
        Assert.Equal(IpFamily.IPv4, v6.ExcludedAddresses.Single().Address.Family);
    }

    [Fact]
    public void Definitions_sample_expands_like_the_man_page_says()
    {
        KeepalivedConfig config = LoadSample("definitions.conf", configId: "high");
        Assert.Equal(["VI_1", "VI_2", "VI_3"], config.Instances.Select(i => i.Name));
        Assert.Equal("eth0.2", config.FindInstance("VI_2")!.Interface);
        Assert.Equal(130, config.FindInstance("VI_1")!.Priority);
        Assert.Equal(IpAddr.Parse("10.0.2.254"), config.FindInstance("VI_2")!.VirtualAddresses.Single().Address);
        Assert.Equal(["10.2.0.100", "10.2.10.100"], config.FindInstance("VI_3")!.VirtualAddresses.Select(v => v.Address.ToString()));
        Assert.Equal(120, LoadSample("definitions.conf", configId: "low").FindInstance("VI_1")!.Priority);
    }

    [Fact]
    public void Vector_configurations_match_what_keepalived_sent()
    {
        // The captured frames: VRID 4 priority 245 v2; PASS "secret1"; v3 0.5 s with two VIPs; v3 unicast; v3 IPv6.
        VrrpInstanceConfig v2 = LoadSample("vector-v2-vrid4.conf").Instances.Single();
        Assert.Equal((4, 245, VrrpVersion.V2, 100), (v2.VirtualRouterId, v2.Priority, v2.Version, v2.AdvertIntervalCentiseconds));
        Assert.Equal("secret1", LoadSample("vector-v2-auth-pass.conf").Instances.Single().AuthPassword);
        VrrpInstanceConfig twoVips = LoadSample("vector-v3-ipv4-2vips.conf").Instances.Single();
        Assert.Equal((VrrpVersion.V3, 50, 2), (twoVips.Version, twoVips.AdvertIntervalCentiseconds, twoVips.VirtualAddresses.Count));
        Assert.Equal(24, twoVips.VirtualAddresses[1].PrefixLength);
        VrrpInstanceConfig unicast = LoadSample("vector-v3-ipv4-unicast.conf").Instances.Single();
        Assert.Equal([IpAddr.Parse("10.99.0.100")], unicast.UnicastPeers.AsSpan().ToArray());
        VrrpInstanceConfig v6 = LoadSample("vector-v3-ipv6.conf").Instances.Single();
        Assert.Equal((VrrpVersion.V3, IpFamily.IPv6, 2), (v6.Version, v6.Family, v6.VirtualAddresses.Count));
    }

    [Fact]
    public void Conditional_sample_refuses_net_namespace_for_its_node_and_skips_it_for_others()
    {
        ConfigLoadResult high = ConfigLoader.LoadFile(SamplePath("conditional_conf.conf"), new ConfigLoadOptions("high"));
        Assert.Contains(high.Errors, e => e.Message.Contains("'net_namespace' is not supported", StringComparison.Ordinal) && e.Location.Line == 3);
        Assert.DoesNotContain(high.Errors, e => e.Location.Line != 3);
        // For a node that is neither high nor low, no script line is kept: keepalived removes the script too.
        ConfigLoadResult other = ConfigLoader.LoadFile(SamplePath("conditional_conf.conf"), new ConfigLoadOptions("other"));
        Assert.Contains(other.Errors, e => e.Message.Contains("vrrp_script check_VI_0 has no 'script' command", StringComparison.Ordinal));
    }

    [Fact]
    public void Mape_gateway_example_is_the_setting_it_was_made_for()
    {
        ConfigLoadResult result = ConfigLoader.LoadFile(Path.Combine(Repository.Root, "examples", "mape-gateway.conf"));
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        KeepalivedConfig config = result.Config!;
        VrrpInstanceConfig mape = config.Instances.Single();
        Assert.Equal(4, mape.VirtualRouterId);
        Assert.Equal(VrrpVersion.V2, mape.Version);
        Assert.Equal(245, mape.Priority);
        Assert.True(mape.Preempt);
        Assert.Equal(TimeSpan.FromSeconds(5), mape.Garp.MasterDelay);
        Assert.Equal(IpAddr.Parse("192.168.1.4"), mape.VirtualAddresses.Single().Address);
        Assert.Null(mape.AuthPassword);
        Assert.Equal([new TrackedScriptConfig("chk_mape_egress", 0, false)], mape.TrackScripts.AsSpan().ToArray());
        Assert.Equal(["/etc/vrrpd/notify-webhook.sh", "https://chat.example.net/hooks/vrrp", "192.168.1.2"], mape.Notify.Any!.Arguments);

        VrrpScriptConfig check = config.FindScript("chk_mape_egress")!;
        Assert.Equal((10, 5, 3, 2, 0), ((int)check.Interval.TotalSeconds, (int)check.Timeout.TotalSeconds, check.Fall, check.Rise, check.Weight));
        Assert.Equal("/etc/vrrpd/check-mape-egress.sh", check.Command.Arguments[0]);
        Assert.True(config.Global.EnableScriptSecurity);
        foreach (string script in (string[])["check-mape-egress.sh", "notify-webhook.sh"])
            Assert.True(File.Exists(Path.Combine(Repository.Root, "examples", script)), script);
    }
}
