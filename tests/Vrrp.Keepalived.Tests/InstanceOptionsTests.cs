using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived.Tests;

/// <summary>keepalived configuration to router options: every field, keepalived's defaults, refusals.</summary>
public sealed class InstanceOptionsTests
{
    private static readonly IpAddr Primary = IpAddr.Parse("192.168.1.2");

    private static VirtualRouterOptions Map(VrrpInstanceConfig c, SyncGroupConfig? group = null) =>
        InstanceOptions.ToRouterOptions(c, c.SourceAddress ?? Primary, InstanceOptions.Trackers(c, group));

    [Fact]
    public void Keepalived_defaults_map_to_keepalived_behaviour_not_the_options_own_defaults()
    {
        VirtualRouterOptions o = Map(ConfigTestKit.OkInstance(""));
        Assert.Equal("VI_1", o.Name);
        Assert.Equal(51, o.VirtualRouterId);
        Assert.Equal(VrrpVersion.V2, o.Version);            // keepalived's vrrp_version default; the options default to 3
        Assert.Equal(100, o.Priority);
        Assert.Equal(100, o.AdvertIntervalCentiseconds);
        Assert.True(o.Preempt);
        Assert.Equal(TimeSpan.Zero, o.PreemptDelay);
        Assert.Equal(RouterState.Backup, o.InitialState);
        Assert.True(o.AcceptMode);                           // keepalived accepts unless strict; the options default off
        Assert.Equal([IpAddr.Parse("192.168.1.1")], o.VirtualAddresses);
        Assert.Equal(Primary, o.PrimaryAddress);
        Assert.False(o.Unicast);
        Assert.Equal(VrrpAuthType.None, o.AuthType);
        Assert.Null(o.AuthPassword);
        Assert.Equal(TimeSpan.FromSeconds(5), o.GarpMasterDelay);
        Assert.Equal(5, o.GarpMasterRepeat);
        Assert.Equal(TimeSpan.Zero, o.GarpMasterRefresh);
        Assert.Equal(1, o.GarpMasterRefreshRepeat);
        Assert.Equal(5, o.GarpLowerPriorityRepeat);          // keepalived 5; the options default 0
        Assert.Equal(TimeSpan.FromSeconds(5), o.GarpLowerPriorityDelay);
        Assert.False(o.LowerPriorityNoAdvert);
        Assert.False(o.HigherPrioritySendAdvert);
        Assert.Equal(3, o.DownTimerAdverts);
        Assert.False(o.StrictAddressCheck);                  // RFC 5798 7.1: accepted and counted unless strict_address_check
        Assert.Empty(o.Trackers);
        Assert.Empty(new VirtualRouter(o).Warnings);
    }

    [Fact]
    public void Every_instance_setting_reaches_the_options()
    {
        KeepalivedConfig config = ConfigTestKit.Ok("""
            vrrp_script chk {
                script "/bin/true"
                weight -20
            }
            vrrp_instance mape {
                state MASTER
                interface eth0
                virtual_router_id 4
                priority 245
                version 3
                advert_int 0.5
                preempt_delay 0
                accept
                garp_master_delay 7
                garp_master_repeat 3
                garp_master_refresh 60
                garp_master_refresh_repeat 2
                garp_lower_prio_repeat 4
                garp_lower_prio_delay 9
                lower_prio_no_advert
                higher_prio_send_advert
                down_timer_adverts 5
                strict_address_check
                unicast_src_ip 192.168.1.2
                unicast_peer {
                    192.168.1.3
                }
                track_interface {
                    eth1 weight 10
                    eth2
                }
                track_script {
                    chk
                    chk2 weight 7 reverse
                }
                virtual_ipaddress {
                    192.168.1.4/24
                    192.168.1.5
                }
            }
            vrrp_script chk2 {
                script "/bin/false"
            }
            """);
        VrrpInstanceConfig c = config.Instances.Single();
        VirtualRouterOptions o = Map(c);
        Assert.Equal("mape", o.Name);
        Assert.Equal(4, o.VirtualRouterId);
        Assert.Equal(VrrpVersion.V3, o.Version);
        Assert.Equal(245, o.Priority);
        Assert.Equal(50, o.AdvertIntervalCentiseconds);
        Assert.Equal(RouterState.Master, o.InitialState);
        Assert.True(o.AcceptMode);
        Assert.Equal([IpAddr.Parse("192.168.1.4"), IpAddr.Parse("192.168.1.5")], o.VirtualAddresses);
        Assert.Equal(IpAddr.Parse("192.168.1.2"), o.PrimaryAddress);
        Assert.True(o.Unicast);
        Assert.Equal(TimeSpan.FromSeconds(7), o.GarpMasterDelay);
        Assert.Equal(3, o.GarpMasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(60), o.GarpMasterRefresh);
        Assert.Equal(2, o.GarpMasterRefreshRepeat);
        Assert.Equal(4, o.GarpLowerPriorityRepeat);
        Assert.Equal(TimeSpan.FromSeconds(9), o.GarpLowerPriorityDelay);
        Assert.True(o.LowerPriorityNoAdvert);
        Assert.True(o.HigherPrioritySendAdvert);
        Assert.Equal(5, o.DownTimerAdverts);
        Assert.True(o.StrictAddressCheck);
        Assert.Equal(
            [new TrackerOptions("interface eth1", 10), new TrackerOptions("interface eth2", 0),
             new TrackerOptions("script chk", -20), new TrackerOptions("script chk2", 7, Reverse: true)],
            o.Trackers);
        // Trackers start up: eth1 adds 10, chk2 (7, reverse) adds -7 as keepalived counts it: 248;
        // the down timer counts five intervals.
        var router = new VirtualRouter(o);
        Assert.Equal(248, router.EffectivePriority);
        Assert.Equal(5 * TimeSpan.FromMilliseconds(500) + VrrpTiming.SkewTime(VrrpVersion.V3, 248, TimeSpan.FromMilliseconds(500)), router.MasterDownInterval);
    }

    [Fact]
    public void Preemption_delay_nopreempt_and_password()
    {
        VirtualRouterOptions o = Map(ConfigTestKit.OkInstance("""
                nopreempt
                authentication {
                    auth_type PASS
                    auth_pass secret1
                }
            """));
        Assert.False(o.Preempt);
        Assert.Equal(VrrpAuthType.SimpleText, o.AuthType);
        Assert.Equal("secret1", o.AuthPassword);

        o = Map(ConfigTestKit.OkInstance("preempt_delay 30"));
        Assert.True(o.Preempt);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PreemptDelay);
    }

    [Fact]
    public void Ipv6_unicast_with_a_global_source_builds_a_router()
    {
        VrrpInstanceConfig c = ConfigTestKit.Ok("""
            vrrp_instance v6 {
                interface eth0
                virtual_router_id 6
                version 3
                unicast_src_ip 2001:db8::2
                unicast_peer {
                    2001:db8::3
                }
                virtual_ipaddress {
                    2001:db8::100/64
                }
            }
            """).Instances.Single();
        var router = new VirtualRouter(Map(c));
        Assert.Equal(IpFamily.IPv6, router.Options.Family);
        Assert.True(router.Options.Unicast);
    }

    [Fact]
    public void A_sync_groups_tracking_applies_to_each_member_as_fault_unless_weighted()
    {
        string text = """
            vrrp_sync_group G {
                group {
                    a
                    b
                }
                track_interface {
                    eth9 weight 5
                }
                %WEIGHT%
            }
            vrrp_instance a {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            vrrp_instance b {
                interface eth0
                virtual_router_id 2
                virtual_ipaddress {
                    10.0.0.2
                }
            }
            """;
        KeepalivedConfig plain = ConfigTestKit.Ok(text.Replace("%WEIGHT%", "", StringComparison.Ordinal));
        VirtualRouterOptions a = Map(plain.Instances[0], plain.SyncGroups[0]);
        Assert.Equal([new TrackerOptions("interface eth9", 0)], a.Trackers);

        KeepalivedConfig weighted = ConfigTestKit.Ok(text.Replace("%WEIGHT%", "sync_group_tracking_weight", StringComparison.Ordinal));
        VirtualRouterOptions b = Map(weighted.Instances[1], weighted.SyncGroups[0]);
        Assert.Equal([new TrackerOptions("interface eth9", 5)], b.Trackers);
    }

    [Fact]
    public void What_the_daemon_cannot_honour_is_refused_with_a_reason()
    {
        VrrpInstanceConfig flags = ConfigTestKit.Ok("""
            vrrp_instance v6 {
                interface eth0
                virtual_router_id 6
                version 3
                virtual_ipaddress {
                    fe80::1/64
                    2001:db8::1/64 home
                }
            }
            """).Instances.Single();
        Assert.Contains(InstanceOptions.Unsupported(flags), m => m.Contains("2001:db8::1", StringComparison.Ordinal) && m.Contains("HomeAddress", StringComparison.Ordinal));

        VrrpInstanceConfig noInterface = ConfigTestKit.Ok("""
            vrrp_instance u {
                virtual_router_id 7
                unicast_src_ip 10.0.0.2
                unicast_peer {
                    10.0.0.3
                }
                virtual_ipaddress {
                    10.0.0.100
                }
            }
            """).Instances.Single();
        Assert.Contains(InstanceOptions.Unsupported(noInterface), m => m.Contains("needs 'dev IFNAME'", StringComparison.Ordinal));
        Assert.Empty(InstanceOptions.Unsupported(ConfigTestKit.OkInstance("")));
    }
    [Fact]
    public void An_embedder_gets_options_from_a_file_leaving_the_primary_address_to_the_host()
    {
        KeepalivedConfig config = ConfigTestKit.Ok("""
            vrrp_sync_group G {
                group {
                    a
                    u
                }
                track_interface {
                    eth9
                }
            }
            vrrp_instance a {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            vrrp_instance u {
                interface eth0
                virtual_router_id 2
                unicast_src_ip 10.0.0.2
                unicast_peer {
                    10.0.0.3
                }
                virtual_ipaddress {
                    10.0.0.100
                }
            }
            """);
        VirtualRouterOptions a = InstanceOptions.ToRouterOptions(config, config.Instances[0]);
        Assert.Equal(IpFamily.None, a.PrimaryAddress.Family);                   // the host resolves it from eth0
        Assert.Equal([new TrackerOptions("interface eth9", 0)], a.Trackers);  // the sync group's tracking
        Assert.Throws<ArgumentException>(() => new VirtualRouter(a));
        VirtualRouterOptions withPrimary = a with { PrimaryAddress = Primary };
        Assert.Equal(withPrimary, InstanceOptions.ToRouterOptions(config.Instances[0], Primary, InstanceOptions.Trackers(config.Instances[0], config.SyncGroups[0])));
        Assert.Equal(RouterState.Initialize, new VirtualRouter(withPrimary).State);

        VirtualRouterOptions u = InstanceOptions.ToRouterOptions(config, config.Instances[1]);
        Assert.Equal(IpAddr.Parse("10.0.0.2"), u.PrimaryAddress);               // unicast_src_ip
    }
}
