using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>Each vrrp_instance keyword reaches the model.</summary>
public class InstanceKeywordTests
{
    [Fact]
    public void Defaults_are_keepalived_defaults()
    {
        // Checked against keepalived 2.2.7's configuration dump (keepalived -d).
        VrrpInstanceConfig i = OkInstance("");
        Assert.Equal("VI_1", i.Name);
        Assert.Equal(InitialState.Backup, i.InitialState);
        Assert.Equal("eth0", i.Interface);
        Assert.Equal(51, i.VirtualRouterId);
        Assert.Equal(100, i.Priority);
        Assert.Equal(VrrpVersion.V2, i.Version);
        Assert.Equal(IpFamily.IPv4, i.Family);
        Assert.Equal(100, i.AdvertIntervalCentiseconds);
        Assert.Equal(TimeSpan.FromSeconds(1), i.AdvertInterval);
        Assert.True(i.Preempt);
        Assert.Equal(TimeSpan.Zero, i.PreemptDelay);
        Assert.Equal(new GarpSettings
        {
            MasterDelay = TimeSpan.FromSeconds(5),
            MasterRepeat = 5,
            MasterRefresh = TimeSpan.Zero,
            MasterRefreshRepeat = 1,
            LowerPriorityDelay = TimeSpan.FromSeconds(5),
            LowerPriorityRepeat = 5,
        }, i.Garp);
        Assert.False(i.LowerPriorityNoAdvert);
        Assert.False(i.HigherPrioritySendAdvert);
        Assert.Equal(3, i.DownTimerAdverts);
        Assert.True(i.Accept);
        Assert.Null(i.AuthPassword);
        Assert.False(i.IsUnicast);
        Assert.False(i.UseVmac);
        Assert.False(i.StrictMode);
        Assert.Equal(ChecksumConvention.PseudoHeader, i.V3Checksum);
        Assert.True(i.Notify.IsEmpty);
        Assert.Null(i.SyncGroup);
        VirtualAddressConfig vip = Assert.Single(i.VirtualAddresses);
        Assert.Equal(IpAddr.Parse("192.168.1.1"), vip.Address);
        Assert.Equal(32, vip.PrefixLength);
        Assert.Equal(AddressScope.Global, vip.Scope);
    }

    [Fact]
    public void Basic_keywords()
    {
        VrrpInstanceConfig i = OkInstance("""
            state MASTER
            priority 245
            advert_int 3
            nopreempt
            dont_track_primary
            skip_check_adv_addr
            notify_priority_changes yes
            """);
        Assert.Equal(InitialState.Master, i.InitialState);
        Assert.Equal(245, i.Priority);
        Assert.Equal(300, i.AdvertIntervalCentiseconds);
        Assert.True(i.Preempt); // nopreempt does not work with state MASTER (keepalived clears it)
        Assert.True(i.DontTrackPrimary);
        Assert.True(i.SkipCheckAdvertAddresses);
        Assert.True(i.NotifyPriorityChanges);
    }

    [Fact]
    public void Preempt_nopreempt_and_preempt_delay()
    {
        Assert.False(OkInstance("state BACKUP\nnopreempt").Preempt);
        Assert.True(OkInstance("nopreempt\npreempt").Preempt);
        Assert.Equal(TimeSpan.FromSeconds(4.12), OkInstance("preempt_delay 4.12").PreemptDelay);
    }

    [Fact]
    public void Version_3_and_advert_int_in_10ms_steps()
    {
        VrrpInstanceConfig i = OkInstance("version 3\nadvert_int 0.5");
        Assert.Equal(VrrpVersion.V3, i.Version);
        Assert.Equal(50, i.AdvertIntervalCentiseconds);
        Assert.Equal(VrrpVersion.V3, OkInstance("", "global_defs { vrrp_version 3 }").Version);
        Assert.Equal(VrrpVersion.V2, OkInstance("version 2", "global_defs { vrrp_version 3 }").Version);
    }

    [Theory]
    // keepalived 2.2.7 rounds half up and never to zero (seen in its dump: 0.4 -> 1 s, 2.5 -> 3 s, 0.555 -> 560 ms).
    [InlineData("2", "0.4", 100)]
    [InlineData("2", "2.5", 300)]
    [InlineData("2", "2.49", 200)]
    [InlineData("3", "0.555", 56)]
    [InlineData("3", "0.01", 1)]
    [InlineData("3", "0.014", 1)]
    [InlineData("3", "41", 4095)]
    [InlineData("3", "255", 4095)]
    [InlineData("2", "255", 25500)]
    public void Advert_int_is_rounded_as_keepalived_rounds_it(string version, string advert, int centiseconds)
    {
        ConfigLoadResult result = Load(Instance($"version {version}\nadvert_int {advert}"));
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        Assert.Equal(centiseconds, result.Config!.Instances.Single().AdvertIntervalCentiseconds);
        bool exact = (version == "2" ? advert.All(char.IsAsciiDigit) : centiseconds * 10_000 == (long)(decimal.Parse(advert, System.Globalization.CultureInfo.InvariantCulture) * 1_000_000));
        Assert.Equal(!exact, result.Warnings.Any(w => w.Message.Contains("advert_int", StringComparison.Ordinal)));
    }

    [Fact]
    public void Garp_keywords_override_the_global_defaults()
    {
        VrrpInstanceConfig i = OkInstance("""
            garp_master_delay 10
            garp_master_repeat 2
            garp_master_refresh 60
            garp_master_refresh_repeat 3
            garp_lower_prio_delay 7
            garp_lower_prio_repeat 0
            lower_prio_no_advert
            higher_prio_send_advert on
            down_timer_adverts 5
            """);
        Assert.Equal(new GarpSettings
        {
            MasterDelay = TimeSpan.FromSeconds(10),
            MasterRepeat = 2,
            MasterRefresh = TimeSpan.FromSeconds(60),
            MasterRefreshRepeat = 3,
            LowerPriorityDelay = TimeSpan.FromSeconds(7),
            LowerPriorityRepeat = 0,
        }, i.Garp);
        Assert.True(i.LowerPriorityNoAdvert);
        Assert.True(i.HigherPrioritySendAdvert);
        Assert.Equal(5, i.DownTimerAdverts);
    }

    [Fact]
    public void Garp_repeat_zero_becomes_one_with_a_warning()
    {
        Assert.Equal(1, OkInstance("garp_master_repeat 0").Garp.MasterRepeat);
        AssertWarning(Instance("garp_master_repeat 0"), "garp_master_repeat 0");
    }

    [Fact]
    public void Virtual_addresses_with_options()
    {
        VrrpInstanceConfig i = OkInstance("""
            virtual_ipaddress {
                10.0.0.2/24 dev eth1 label eth1:vip scope link brd 10.0.0.255
                10.0.0.3/24 brd +
                10.0.0.4/24 brd - noprefixroute
            }
            virtual_ipaddress_excluded {
                2001:db8::5/64 dev eth1 nodad home mngtmpaddr autojoin
                10.9.9.9
            }
            """);
        Assert.Equal(4, i.VirtualAddresses.Count);
        VirtualAddressConfig a = i.VirtualAddresses[1];
        Assert.Equal(IpAddr.Parse("10.0.0.2"), a.Address);
        Assert.Equal(24, a.PrefixLength);
        Assert.Equal("eth1", a.Device);
        Assert.Equal("eth1:vip", a.Label);
        Assert.Equal(AddressScope.Link, a.Scope);
        Assert.Equal(IpAddr.Parse("10.0.0.255"), a.Broadcast);
        Assert.Equal(IpAddr.Parse("10.0.0.255"), i.VirtualAddresses[2].Broadcast);
        Assert.Equal(IpAddr.Parse("10.0.0.0"), i.VirtualAddresses[3].Broadcast);
        Assert.Equal(AddressFlags.NoPrefixRoute, i.VirtualAddresses[3].Flags);
        Assert.Equal(2, i.ExcludedAddresses.Count);
        VirtualAddressConfig e = i.ExcludedAddresses[0];
        Assert.Equal(IpFamily.IPv6, e.Address.Family);
        Assert.Equal(64, e.PrefixLength);
        Assert.Equal(AddressFlags.NoDad | AddressFlags.HomeAddress | AddressFlags.ManageTempAddress | AddressFlags.McAutoJoin, e.Flags);
    }

    [Fact]
    public void Ipv6_addresses_make_a_version_3_ipv6_instance()
    {
        VrrpInstanceConfig i = Ok("""
            vrrp_instance v6 {
                interface eth0
                virtual_router_id 61
                virtual_ipaddress {
                    fe80::61
                    2001:db8::61/64
                }
            }
            """).Instances.Single();
        Assert.Equal(IpFamily.IPv6, i.Family);
        Assert.Equal(VrrpVersion.V3, i.Version);
        Assert.Equal(128, i.VirtualAddresses[0].PrefixLength);
    }

    [Fact]
    public void Native_ipv6_sets_the_family()
    {
        VrrpInstanceConfig i = Ok("vrrp_instance v6 {\n native_ipv6\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { fe80::1 }\n}\n").Instances.Single();
        Assert.Equal(IpFamily.IPv6, i.Family);
    }

    [Fact]
    public void Track_interface_and_track_script_with_weights()
    {
        KeepalivedConfig config = Ok(Instance("""
            track_interface {
                eth1
                eth2 weight -20
                eth3 weight 10 reverse
            }
            track_script {
                chk_a
                chk_b weight 15
                chk_c weight -5 no_reverse
            }
            """, """
            vrrp_script chk_a {
                script /bin/true
                weight -30 reverse
            }
            vrrp_script chk_b {
                script /bin/true
            }
            vrrp_script chk_c {
                script /bin/true
                weight 7 reverse
            }
            """));
        VrrpInstanceConfig i = config.Instances.Single();
        Assert.Equal([new("eth1", 0, false), new("eth2", -20, false), new("eth3", 10, true)], i.TrackInterfaces.AsSpan().ToArray());
        Assert.Equal([new("chk_a", -30, true), new("chk_b", 15, false), new("chk_c", -5, false)], i.TrackScripts.AsSpan().ToArray());
    }

    [Fact]
    public void Unicast_source_and_peers()
    {
        VrrpInstanceConfig i = OkInstance("""
            unicast_src_ip 10.99.0.11
            unicast_peer {
                10.99.0.100
                10.99.0.101
            }
            check_unicast_src
            """);
        Assert.True(i.IsUnicast);
        Assert.Equal(IpAddr.Parse("10.99.0.11"), i.SourceAddress);
        Assert.Equal([IpAddr.Parse("10.99.0.100"), IpAddr.Parse("10.99.0.101")], i.UnicastPeers.AsSpan().ToArray());
        Assert.True(i.CheckUnicastSource);
        Assert.Equal(IpAddr.Parse("10.1.1.9"), OkInstance("mcast_src_ip 10.1.1.9").SourceAddress);
        Assert.True(OkInstance("", "global_defs { vrrp_check_unicast_src }").CheckUnicastSource);
    }

    [Fact]
    public void Unicast_instance_may_leave_out_the_interface()
    {
        VrrpInstanceConfig i = Ok("vrrp_instance u {\n virtual_router_id 5\n unicast_src_ip 10.0.0.1\n unicast_peer { 10.0.0.2 }\n virtual_ipaddress { 10.0.0.5 dev eth0 }\n}\n").Instances.Single();
        Assert.Null(i.Interface);
    }

    [Fact]
    public void Use_vmac_with_and_without_a_name()
    {
        VrrpInstanceConfig plain = OkInstance("use_vmac");
        Assert.True(plain.UseVmac);
        Assert.Null(plain.VmacName);
        VrrpInstanceConfig named = OkInstance("use_vmac vrrp.51\nvmac_xmit_base");
        Assert.Equal("vrrp.51", named.VmacName);
        Assert.True(named.VmacXmitBase);
        Assert.Equal("vm1", OkInstance("use_vmac name vm1").VmacName);
    }

    [Fact]
    public void Authentication_pass()
    {
        Assert.Equal("secret1", OkInstance("authentication {\n auth_type PASS\n auth_pass secret1\n}").AuthPassword);
        Assert.Equal("12345678", OkInstance("authentication {\n auth_type PASS\n auth_pass 123456789\n}").AuthPassword);
        AssertWarning(Instance("authentication {\n auth_type PASS\n auth_pass 123456789\n}"), "only the first 8");
    }

    [Fact]
    public void Accept_and_strict_mode()
    {
        Assert.True(OkInstance("accept").Accept);
        VrrpInstanceConfig strictV3 = OkInstance("version 3\nstrict_mode\naccept");
        Assert.True(strictV3.StrictMode);
        Assert.True(strictV3.Accept);
        Assert.False(OkInstance("").StrictAddressCheck);
        Assert.True(OkInstance("strict_address_check").StrictAddressCheck);
        Assert.True(OkInstance("strict_address_check on").StrictAddressCheck);
        Assert.False(OkInstance("strict_address_check off").StrictAddressCheck);
        Assert.False(OkInstance("skip_check_adv_addr off").StrictAddressCheck);
        VrrpInstanceConfig owner = OkInstance("state MASTER\npriority 255\nstrict_mode\nno_accept");
        Assert.False(owner.Accept);
        Assert.False(OkInstance("no_accept").Accept);
        // Strict mode implies no_accept for a VRRPv2 instance that is not the address owner.
        Assert.False(OkInstance("", "global_defs { vrrp_strict }").Accept);
        Assert.True(OkInstance("priority 255", "global_defs { vrrp_strict }").Accept);
    }

    [Fact]
    public void V3_checksum_as_v2_selects_the_message_only_checksum()
    {
        Assert.Equal(ChecksumConvention.MessageOnly, OkInstance("version 3\nv3_checksum_as_v2").V3Checksum);
        Assert.Equal(ChecksumConvention.PseudoHeader, OkInstance("version 3\nv3_checksum_as_v2 off").V3Checksum);
    }

    [Fact]
    public void Notify_scripts_with_users()
    {
        VrrpInstanceConfig i = OkInstance("""
            notify_master "/usr/local/bin/vrrp.sh MASTER VI_1" nobody nogroup
            notify_backup /usr/local/bin/backup.sh
            notify_fault "/usr/local/bin/vrrp.sh 'FAULT state' VI_1"
            notify_stop /bin/stop.sh root
            notify "/usr/local/bin/notify.sh arg"
            """);
        Assert.Equal(new ScriptCommand("/usr/local/bin/vrrp.sh MASTER VI_1", new(["/usr/local/bin/vrrp.sh", "MASTER", "VI_1"]), "nobody", "nogroup"), i.Notify.Master);
        Assert.Equal(["/usr/local/bin/backup.sh"], i.Notify.Backup!.Arguments);
        Assert.Equal(["/usr/local/bin/vrrp.sh", "FAULT state", "VI_1"], i.Notify.Fault!.Arguments);
        Assert.Equal("root", i.Notify.Stop!.User);
        Assert.Null(i.Notify.Stop.Group);
        Assert.Equal(["/usr/local/bin/notify.sh", "arg"], i.Notify.Any!.Arguments);
    }

    [Fact]
    public void Ignored_instance_keywords_warn_once_each()
    {
        ConfigLoadResult result = Load(Instance("smtp_alert\ndebug 2\nlinkbeat_use_polling\nkernel_rx_buf_size 100000\nlvs_sync_daemon_interface eth1") +
            Instance("smtp_alert").Replace("VI_1", "VI_2").Replace("virtual_router_id 51", "virtual_router_id 52"));
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        Assert.Single(result.Warnings, w => w.Message.Contains("'smtp_alert'", StringComparison.Ordinal));
        foreach (string keyword in (string[])["debug", "linkbeat_use_polling", "kernel_rx_buf_size", "lvs_sync_daemon_interface"])
            Assert.Single(result.Warnings, w => w.Message.Contains($"'{keyword}' is ignored", StringComparison.Ordinal));
    }
}
