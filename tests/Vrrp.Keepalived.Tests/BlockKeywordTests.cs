using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>global_defs, vrrp_script and vrrp_sync_group keywords reach the model.</summary>
public class BlockKeywordTests
{
    [Fact]
    public void Global_defs_defaults()
    {
        GlobalDefs g = Ok(Instance("")).Global;
        Assert.Equal(new GlobalDefs(), g);
        Assert.Equal(VrrpVersion.V2, g.DefaultVersion);
        Assert.Equal(TimeSpan.FromSeconds(5), g.Garp.MasterDelay);
        Assert.Equal(5, g.Garp.MasterRepeat);
        Assert.Equal(3, g.DownTimerAdverts);
        Assert.Equal("vrrp", g.VmacPrefix);
    }

    [Fact]
    public void Global_defs_keywords()
    {
        GlobalDefs g = Ok(Instance("", """
            global_defs {
                router_id gw1
                vrrp_version 3
                script_user vrrp-scripts vrrp
                enable_script_security
                notify_fifo /run/vrrpd/notify.fifo root
                notify_fifo_script "/usr/local/bin/fifo-reader.sh --verbose" nobody
                vrrp_notify_fifo /run/vrrpd/vrrp.fifo
                vrrp_notify_fifo_script /usr/local/bin/vrrp-fifo.sh
                vrrp_notify_priority_changes
                fifo_write_vrrp_states_on_reload
                vrrp_garp_master_delay 10
                vrrp_garp_master_repeat 3
                vrrp_garp_master_refresh 60
                vrrp_garp_master_refresh_repeat 2
                vrrp_garp_interval 0.001
                vrrp_gna_interval 0.000001
                vrrp_lower_prio_no_advert
                vrrp_higher_prio_send_advert true
                vrrp_down_timer_adverts 4
                vrrp_skip_check_adv_addr
                vrrp_check_unicast_src
                vrrp_mcast_group4 224.0.0.18
                vrrp_mcast_group6 ff02::12
                vrrp_startup_delay 5.5
                vmac_prefix vm
                dynamic_interfaces allow_if_changes
            }
            """)).Global;
        Assert.Equal("gw1", g.RouterId);
        Assert.Equal(VrrpVersion.V3, g.DefaultVersion);
        Assert.Equal("vrrp-scripts", g.ScriptUser);
        Assert.Equal("vrrp", g.ScriptGroup);
        Assert.True(g.EnableScriptSecurity);
        Assert.Equal(new NotifyFifoConfig("/run/vrrpd/notify.fifo", "root", null), g.NotifyFifo);
        Assert.Equal(["/usr/local/bin/fifo-reader.sh", "--verbose"], g.NotifyFifoScript!.Arguments);
        Assert.Equal("nobody", g.NotifyFifoScript.User);
        Assert.Equal("/run/vrrpd/vrrp.fifo", g.VrrpNotifyFifo!.Path);
        Assert.Equal("/usr/local/bin/vrrp-fifo.sh", g.VrrpNotifyFifoScript!.CommandLine);
        Assert.True(g.NotifyPriorityChanges);
        Assert.True(g.FifoWriteStatesOnReload);
        // vrrp_garp_lower_prio_* default to the master ones, as keepalived's dump shows.
        Assert.Equal(new GarpSettings
        {
            MasterDelay = TimeSpan.FromSeconds(10),
            MasterRepeat = 3,
            MasterRefresh = TimeSpan.FromSeconds(60),
            MasterRefreshRepeat = 2,
            LowerPriorityDelay = TimeSpan.FromSeconds(10),
            LowerPriorityRepeat = 3,
        }, g.Garp);
        Assert.Equal(TimeSpan.FromMilliseconds(1), g.GarpInterval);
        Assert.Equal(TimeSpan.FromMicroseconds(1), g.GnaInterval);
        Assert.True(g.LowerPriorityNoAdvert);
        Assert.True(g.HigherPrioritySendAdvert);
        Assert.Equal(4, g.DownTimerAdverts);
        Assert.True(g.SkipCheckAdvertAddresses);
        Assert.True(g.CheckUnicastSource);
        Assert.Equal(TimeSpan.FromSeconds(5.5), g.StartupDelay);
        Assert.Equal("vm", g.VmacPrefix);
        Assert.True(g.DynamicInterfaces);
    }

    [Fact]
    public void Global_garp_settings_are_the_instances_defaults()
    {
        VrrpInstanceConfig i = OkInstance("garp_master_delay 2", "global_defs {\n vrrp_garp_master_delay 7\n vrrp_garp_master_repeat 3\n vrrp_garp_lower_prio_repeat 1\n vrrp_down_timer_adverts 6\n vrrp_lower_prio_no_advert\n}");
        Assert.Equal(TimeSpan.FromSeconds(2), i.Garp.MasterDelay);
        Assert.Equal(3, i.Garp.MasterRepeat);
        // keepalived: the instance's lower-priority delay follows the global setting, not the instance's garp_master_delay.
        Assert.Equal(TimeSpan.FromSeconds(7), i.Garp.LowerPriorityDelay);
        Assert.Equal(1, i.Garp.LowerPriorityRepeat);
        Assert.Equal(6, i.DownTimerAdverts);
        Assert.True(i.LowerPriorityNoAdvert);
    }

    [Fact]
    public void Vrrp_min_garp_changes_only_what_is_not_set()
    {
        GarpSettings g = Ok(Instance("", "global_defs {\n vrrp_min_garp\n vrrp_garp_master_delay 3\n}")).Global.Garp;
        Assert.Equal(1, g.MasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(3), g.MasterDelay);
    }

    [Fact]
    public void Vrrp_strict_applies_keepalived_strict_rules()
    {
        VrrpInstanceConfig i = OkInstance("version 3\naccept\ngarp_lower_prio_repeat 2", "global_defs { vrrp_strict }");
        Assert.True(i.StrictMode);
        Assert.Equal(0, i.Garp.LowerPriorityRepeat);
        Assert.Equal(TimeSpan.Zero, i.Garp.LowerPriorityDelay);
        Assert.True(i.LowerPriorityNoAdvert);
        Assert.False(i.HigherPrioritySendAdvert);
        AssertWarning(Instance("version 3\naccept\ngarp_lower_prio_repeat 2", "global_defs { vrrp_strict }"), "garp_lower_prio_repeat 0");
    }

    [Fact]
    public void Ignored_global_keywords_are_read_with_their_blocks_and_reported_once()
    {
        ConfigLoadResult result = Load(Instance("", """
            global_defs {
                notification_email {
                    admin@example.com
                    ops@example.com
                }
                notification_email_from keepalived@example.com
                smtp_server 192.168.200.1 25
                smtp_connect_timeout 30
                lvs_flush
                vrrp_iptables keepalived_in
                nftables
                vrrp_priority -10
                enable_snmp_vrrp
                max_auto_priority 20
            }
            virtual_server 10.0.0.1 80 {
                lb_algo rr
                real_server 10.0.1.1 80 {
                    TCP_CHECK { connect_timeout 3 }
                }
            }
            static_ipaddress {
                192.168.200.16 dev eth0 scope link
            }
            static_routes {
                192.168.210.0/24 via 192.168.200.254 dev eth0
            }
            """));
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        foreach (string keyword in (string[])["notification_email", "smtp_server", "lvs_flush", "vrrp_iptables", "nftables", "vrrp_priority", "enable_snmp_vrrp", "max_auto_priority", "virtual_server", "static_ipaddress", "static_routes"])
            Assert.Single(result.Warnings, w => w.Message.Contains($"'{keyword}' is ignored by vrrpd", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("real_server", StringComparison.Ordinal) || d.Message.Contains("admin@", StringComparison.Ordinal));
    }

    [Fact]
    public void Vrrp_script_keywords()
    {
        KeepalivedConfig config = Ok(Instance("track_script {\n chk\n}", """
            vrrp_script chk {
                script "/usr/local/bin/check.sh 'with space' arg2"
                interval 10
                timeout 5
                weight -20 reverse
                rise 2
                fall 3
                user nobody nogroup
                init_fail
            }
            """));
        VrrpScriptConfig s = config.Scripts.Single();
        Assert.Equal("chk", s.Name);
        Assert.Equal(["/usr/local/bin/check.sh", "with space", "arg2"], s.Command.Arguments);
        Assert.Equal("nobody", s.Command.User);
        Assert.Equal("nogroup", s.Command.Group);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Timeout);
        Assert.Equal(-20, s.Weight);
        Assert.True(s.WeightReverse);
        Assert.Equal(2, s.Rise);
        Assert.Equal(3, s.Fall);
        Assert.True(s.InitFail);
        Assert.Equal(s.Location.Line, config.FindScript("chk")!.Location.Line);
    }

    [Fact]
    public void Vrrp_script_defaults_and_the_timeout_that_falls_back_to_the_interval()
    {
        VrrpScriptConfig s = Ok(Instance("track_script { chk }", "vrrp_script chk {\n script /bin/true\n interval 4\n}")).Scripts.Single();
        Assert.Equal(TimeSpan.FromSeconds(4), s.Interval);
        Assert.Equal(TimeSpan.FromSeconds(4), s.Timeout);
        Assert.Equal(0, s.Weight);
        Assert.Equal(1, s.Rise);
        Assert.Equal(1, s.Fall);
        Assert.False(s.InitFail);
        Assert.Null(s.Command.User);
    }

    [Fact]
    public void Unquoted_script_arguments_are_dropped_with_a_warning_as_keepalived_drops_them()
    {
        string text = Instance("track_script { chk }", "vrrp_script chk {\n script /bin/echo arg1 arg2\n}");
        Assert.Equal(["/bin/echo"], Ok(text).Scripts.Single().Command.Arguments);
        AssertWarning(text, "quote the whole command line");
    }

    [Fact]
    public void Sync_group_keywords()
    {
        KeepalivedConfig config = Ok("""
            vrrp_script chk {
                script /bin/true
            }
            vrrp_sync_group G1 {
                group {
                    VI_1 VI_2
                }
                track_interface {
                    eth9
                }
                track_script {
                    chk
                }
                notify_master "/usr/local/bin/vrrp.mast arg1 arg2"
                notify_backup "/usr/local/bin/vrrp.back arg1 arg2"
                notify_fault "/usr/local/bin/vrrp.fault arg1 arg2"
                notify_stop /usr/local/bin/stop
                notify /usr/local/bin/notify
                notify_priority_changes
                smtp_alert
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress { 10.0.0.1 }
            }
            vrrp_instance VI_2 {
                interface eth1
                virtual_router_id 2
                virtual_ipaddress { 10.0.1.1 }
            }
            """);
        SyncGroupConfig g = config.SyncGroups.Single();
        Assert.Equal(["VI_1", "VI_2"], g.Members);
        Assert.Equal([new TrackedInterfaceConfig("eth9", 0, false)], g.TrackInterfaces.AsSpan().ToArray());
        Assert.Equal([new TrackedScriptConfig("chk", 0, false)], g.TrackScripts.AsSpan().ToArray());
        Assert.Equal(["/usr/local/bin/vrrp.mast", "arg1", "arg2"], g.Notify.Master!.Arguments);
        Assert.NotNull(g.Notify.Backup);
        Assert.NotNull(g.Notify.Fault);
        Assert.NotNull(g.Notify.Stop);
        Assert.NotNull(g.Notify.Any);
        Assert.True(g.NotifyPriorityChanges);
        Assert.False(g.TrackingWeight);
        Assert.Equal("G1", config.FindInstance("VI_1")!.SyncGroup);
        Assert.Equal("G1", config.FindInstance("VI_2")!.SyncGroup);
        // An instance takes the group's notify_priority_changes when it has none of its own.
        Assert.True(config.FindInstance("VI_1")!.NotifyPriorityChanges);
    }

    [Fact]
    public void Sync_group_members_lose_weighted_trackers_as_in_keepalived_unless_tracking_weight_is_set()
    {
        string Text(string extra) => $$"""
            vrrp_script chk {
                script /bin/true
                weight 10
            }
            vrrp_sync_group G1 {
                group { VI_1 VI_2 }
                {{extra}}
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress { 10.0.0.1 }
                track_script { chk }
                track_interface { eth5 weight 10 }
            }
            vrrp_instance VI_2 {
                interface eth1
                virtual_router_id 2
                virtual_ipaddress { 10.0.1.1 }
            }
            """;
        VrrpInstanceConfig plain = Ok(Text("")).FindInstance("VI_1")!;
        Assert.Empty(plain.TrackScripts);
        Assert.Equal([new TrackedInterfaceConfig("eth5", 0, false)], plain.TrackInterfaces.AsSpan().ToArray());
        AssertWarning(Text(""), "sync_group_tracking_weight");

        VrrpInstanceConfig weighted = Ok(Text("sync_group_tracking_weight")).FindInstance("VI_1")!;
        Assert.Equal([new TrackedScriptConfig("chk", 10, false)], weighted.TrackScripts.AsSpan().ToArray());
        Assert.Equal(10, weighted.TrackInterfaces.Single().Weight);
        Assert.True(Ok(Text("global_tracking")).SyncGroups.Single().TrackingWeight);
    }
}
