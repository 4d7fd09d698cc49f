using Vrrp.Keepalived;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>Every kind of error names the file, the line and the keyword; values out of range say the range.</summary>
public class DiagnosticTests
{
    [Fact]
    public void Unknown_keyword_with_a_near_miss_suggestion()
    {
        ConfigDiagnostic error = AssertError("""
            vrrp_instance mape {
                interface eth0
                virtual_router_id 4
                priorty 245
                virtual_ipaddress { 192.168.1.4 }
            }
            """, 4, "unknown keyword");
        Assert.Equal("/etc/keepalived/keepalived.conf:4: unknown keyword 'priorty' in vrrp_instance mape; did you mean 'priority'?", error.ToString());
    }

    [Theory]
    [InlineData("global_defs {\n  router_idd x\n}\n" + "vrrp_instance a {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 10.0.0.1 }\n}\n", 2, "unknown keyword 'router_idd' in global_defs; did you mean 'router_id'?")]
    [InlineData("vrrp_instanse a {\n}\n", 1, "unknown keyword 'vrrp_instanse' at the top level; did you mean 'vrrp_instance'?")]
    [InlineData("vrrp_script s {\n  scrpt /bin/true\n}\n", 2, "unknown keyword 'scrpt' in vrrp_script s; did you mean 'script'?")]
    [InlineData("vrrp_sync_group g {\n  gruop { a }\n}\n", 2, "unknown keyword 'gruop' in vrrp_sync_group g; did you mean 'group'?")]
    [InlineData("frobnicate 3\n", 1, "unknown keyword 'frobnicate' at the top level")]
    public void Unknown_keywords_in_every_block(string text, int line, string message) => AssertError(text, line, message);

    [Theory]
    [InlineData("virtual_router_id 300", "virtual_router_id 300: must be 1..255")]
    [InlineData("priority 0", "priority 0: must be 1..255")]
    [InlineData("priority 256", "priority 256: must be 1..255")]
    [InlineData("priority high", "priority 'high': not a whole number (must be 1..255)")]
    [InlineData("priority -5", "priority '-5': not a whole number (must be 1..255)")]
    [InlineData("advert_int 0.005", "advert_int 0.005: must be 0.01..255 seconds")]
    [InlineData("advert_int 300", "advert_int 300: must be 0.01..255 seconds")]
    [InlineData("advert_int fast", "advert_int 'fast': not a number of seconds (must be 0.01..255 seconds)")]
    [InlineData("preempt_delay 2000", "preempt_delay 2000: must be 0..1000 seconds")]
    [InlineData("version 4", "version 4: must be 2..3")]
    [InlineData("down_timer_adverts 101", "down_timer_adverts 101: must be 1..100")]
    [InlineData("garp_master_delay -1", "garp_master_delay '-1': not a whole number")]
    [InlineData("state master", "state 'master': must be MASTER or BACKUP")]
    [InlineData("skip_check_adv_addr maybe", "skip_check_adv_addr 'maybe': must be one of on, off, true, false, yes, no")]
    [InlineData("interface lo", "interface lo: VRRP cannot run on the loopback interface")]
    [InlineData("interface this-name-is-far-too-long", "interface 'this-name-is-far-too-long': not a valid interface name")]
    [InlineData("unicast_src_ip 10.0.0", "unicast_src_ip '10.0.0': not an IPv4 or IPv6 address")]
    [InlineData("unicast_src_ip 010.0.0.1", "unicast_src_ip '010.0.0.1': not an IPv4 or IPv6 address")]
    [InlineData("priority", "'priority' needs a value")]
    [InlineData("track_interface {\n eth1 weight 254\n}", "track_interface eth1 weight 254: must be -253..253")]
    [InlineData("track_interface {\n eth1 wieght 5\n}", "track_interface eth1: unknown option 'wieght'; did you mean 'weight'?")]
    [InlineData("virtual_ipaddress {\n 10.0.0.300\n}", "virtual_ipaddress '10.0.0.300': not an IPv4 or IPv6 address")]
    [InlineData("virtual_ipaddress {\n 10.0.0.3/33\n}", "virtual_ipaddress '10.0.0.3/33': prefix length must be 0..32")]
    [InlineData("virtual_ipaddress {\n 10.0.0.3 dve eth0\n}", "virtual_ipaddress 10.0.0.3: unknown option 'dve'; did you mean 'dev'?")]
    [InlineData("virtual_ipaddress {\n 10.0.0.3 scope galaxy\n}", "scope 'galaxy': must be global, site, link, host or nowhere")]
    [InlineData("virtual_ipaddress {\n 224.0.0.5\n}", "a virtual address must be a unicast address")]
    [InlineData("unicast_peer {\n 10.0.0.9 min_ttl 3\n}", "unicast_peer option 'min_ttl' is not supported by vrrpd")]
    [InlineData("authentication {\n auth_type AH\n auth_pass x\n}", "auth_type AH (IPsec authentication header) is not supported by vrrpd")]
    [InlineData("authentication {\n auth_type SECRET\n}", "auth_type 'SECRET': must be PASS or AH")]
    [InlineData("notify_master \"/bin/echo 'unbalanced\"", "notify_master: missing terminating '")]
    public void Bad_values_name_the_keyword_the_value_and_the_range(string body, string message)
    {
        // The body starts on line 8 of the instance template.
        AssertError(Instance(body), 8 + (body.StartsWith("track_interface", StringComparison.Ordinal) || body.StartsWith("virtual_ipaddress", StringComparison.Ordinal)
            || body.StartsWith("unicast_peer", StringComparison.Ordinal) || body.StartsWith("authentication", StringComparison.Ordinal) ? 1 : 0), message);
    }

    [Theory]
    [InlineData("interval 0.5", "interval '0.5': not a whole number")]
    [InlineData("weight 300", "weight 300: must be -253..253")]
    [InlineData("weight 5 backwards", "weight option 'backwards': the only option is 'reverse'")]
    [InlineData("rise 0", "rise 0: must be 1..2147483647")]
    [InlineData("fall x", "fall 'x': not a whole number")]
    [InlineData("user", "'user' needs a user name")]
    public void Bad_vrrp_script_values(string line, string message) =>
        AssertError($"vrrp_script chk {{\n    script /bin/true\n    {line}\n}}\n", 3, message);

    [Theory]
    [InlineData("use_vmac_addr", "use_vmac_addr")]
    [InlineData("track_bfd {\n b1\n}", "track_bfd")]
    [InlineData("mcast_dst_ip 224.0.0.99", "mcast_dst_ip")]
    [InlineData("promote_secondaries", "promote_secondaries")]
    [InlineData("unicast_ttl 5", "unicast_ttl")]
    [InlineData("notify_master_rx_lower_pri /bin/x", "notify_master_rx_lower_pri")]
    public void Refused_instance_keywords_are_errors(string body, string keyword) =>
        AssertError(Instance(body), 8, $"keepalived keyword '{keyword}' is not supported by vrrpd");

    [Theory]
    [InlineData("global_defs {\n startup_script /bin/x\n}", 2, "startup_script")]
    [InlineData("global_defs {\n vrrp_garp_extra_if 60\n}", 2, "vrrp_garp_extra_if")]
    [InlineData("net_namespace blue", 1, "net_namespace")]
    [InlineData("interface_up_down_delays {\n eth0 1\n}", 1, "interface_up_down_delays")]
    public void Refused_global_keywords_are_errors(string text, int line, string keyword) =>
        AssertError(Instance("", text), line, $"keepalived keyword '{keyword}' is not supported by vrrpd");

    [Fact]
    public void Non_default_multicast_group_is_refused()
    {
        AssertError(Instance("", "global_defs {\n vrrp_mcast_group4 224.0.0.99\n}"), 2, "vrrp_mcast_group4");
    }

    [Fact]
    public void Missing_closing_brace_names_the_block_and_its_line()
    {
        ConfigLoadResult result = Load("""
            vrrp_instance a {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.0.0.1

            vrrp_instance b {
                interface eth0
                virtual_router_id 2
                virtual_ipaddress { 10.0.0.2 }
            }
            """);
        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.Location.Line == 1 && e.Message.Contains("missing '}' to close 'vrrp_instance a' before 'vrrp_instance' at /etc/keepalived/keepalived.conf:7", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Location.Line == 4 && e.Message.Contains("missing '}' to close 'virtual_ipaddress'", StringComparison.Ordinal));
        // Recovery: instance b is read normally, so no error points into it.
        Assert.DoesNotContain(result.Errors, e => e.Location.Line >= 7);
    }

    [Fact]
    public void Missing_closing_brace_at_the_end_of_the_file()
    {
        AssertError("vrrp_instance a {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 10.0.0.1 }\n", 1, "missing '}' to close 'vrrp_instance a' (end of configuration reached)");
    }

    [Fact]
    public void Extra_closing_brace_and_stray_opening_brace()
    {
        AssertError(Instance("") + "\n}\n", 10, "unexpected '}'");
        AssertError(Instance("") + "\n{\n  x\n}\n", 10, "unexpected '{'");
    }

    [Fact]
    public void Block_keyword_without_a_block_and_value_keyword_with_one()
    {
        AssertError(Instance("virtual_ipaddress_excluded"), 8, "'virtual_ipaddress_excluded' needs a { } block");
        AssertError(Instance("priority 100 {\n}"), 8, "'priority' does not take a { } block");
        AssertError("vrrp_instance a\n", 1, "'vrrp_instance' needs a { } block");
    }

    [Fact]
    public void Names_of_blocks_are_required_and_unique()
    {
        AssertError("vrrp_instance {\n}\n", 1, "vrrp_instance needs a name");
        AssertError("vrrp_script a b {\n}\n", 1, "vrrp_script takes one name");
        AssertError(Instance("") + "\n" + Instance(""), 11, "vrrp_instance VI_1 is already defined at /etc/keepalived/keepalived.conf:2");
    }

    [Fact]
    public void Required_settings()
    {
        AssertError("vrrp_instance a {\n interface eth0\n virtual_ipaddress { 10.0.0.1 }\n}\n", 1, "vrrp_instance a has no virtual_router_id (1..255)");
        AssertError("vrrp_instance a {\n virtual_router_id 1\n virtual_ipaddress { 10.0.0.1 }\n}\n", 1, "vrrp_instance a has no interface");
        AssertError("vrrp_instance a {\n interface eth0\n version 3\n virtual_router_id 1\n}\n", 1, "has no virtual_ipaddress; VRRPv3 needs at least one");
        AssertError("vrrp_script s {\n interval 2\n}\n", 1, "vrrp_script s has no 'script' command");
        AssertError("vrrp_instance u {\n virtual_router_id 5\n unicast_peer { 10.0.0.2 }\n virtual_ipaddress { 10.0.0.5 }\n}\n", 1, "a unicast instance without interface needs unicast_src_ip");
    }

    [Fact]
    public void Address_families_must_agree()
    {
        AssertError(Instance("virtual_ipaddress {\n 2001:db8::1\n}"), 9, "virtual address 2001:db8::1 is IPv6 but vrrp_instance VI_1 is IPv4 (set by '192.168.1.1' at /etc/keepalived/keepalived.conf:6)");
        AssertError(Instance("unicast_src_ip 2001:db8::2"), 8, "unicast_src_ip 2001:db8::2 is IPv6 but vrrp_instance VI_1 is IPv4");
        AssertError("vrrp_instance v6 {\n interface eth0\n version 2\n virtual_router_id 1\n virtual_ipaddress { fe80::1 }\n}\n", 3, "version 2 cannot be used with IPv6 addresses");
    }

    [Fact]
    public void Track_script_must_name_a_vrrp_script()
    {
        AssertError(Instance("track_script {\n chk_mape\n}", "vrrp_script chk_map {\n script /bin/true\n}"), 11,
            "track_script 'chk_mape' in vrrp_instance VI_1: no vrrp_script has that name; did you mean 'chk_map'?");
    }

    [Fact]
    public void Sync_group_members_must_exist_and_belong_to_one_group()
    {
        string instances = """
            vrrp_instance a {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress { 10.0.0.1 }
            }
            vrrp_instance b {
                interface eth0
                virtual_router_id 2
                virtual_ipaddress { 10.0.0.2 }
            }
            """;
        AssertError(instances + "\nvrrp_sync_group g {\n group {\n a\n c\n }\n}\n", 14, "vrrp_sync_group g: no vrrp_instance named 'c'");
        AssertError(instances + "\nvrrp_sync_group g1 {\n group { a b }\n}\nvrrp_sync_group g2 {\n group {\n a\n }\n}\n", 16,
            "vrrp_sync_group g2: vrrp_instance a is already in vrrp_sync_group g1 (/etc/keepalived/keepalived.conf:11); an instance can be in one sync group only");
    }

    [Fact]
    public void Vrid_must_be_unique_per_interface_and_family()
    {
        string Two(string second) => "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n}\n" +
            $"vrrp_instance b {{\n {second}\n virtual_router_id 4\n virtual_ipaddress {{ 10.0.0.2 }}\n}}\n";
        AssertError(Two("interface eth0"), 6, "vrrp_instance b uses virtual_router_id 4 with IPv4 on eth0, as vrrp_instance a does (/etc/keepalived/keepalived.conf:1)");
        Assert.True(Load(Two("interface eth1")).Success);
        // The same VRID may be used by IPv6 on the same interface.
        Assert.True(Load("vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n}\n" +
            "vrrp_instance b {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { fe80::4 }\n}\n").Success);
    }

    [Fact]
    public void All_errors_are_collected_not_only_the_first()
    {
        ConfigLoadResult result = Load("""
            global_defs {
                vrrp_version 5
            }
            vrrp_instance a {
                interface eth0
                virtual_router_id 0
                priority 900
                advert_int never
                bogus_keyword 1
                virtual_ipaddress { 10.0.0.500 }
            }
            """);
        Assert.Equal([2, 6, 7, 8, 9, 10], result.Errors.Select(e => e.Location.Line).Distinct().Order());
    }

    [Fact]
    public void Keepalived_fixups_are_warnings_with_the_same_result()
    {
        (string Body, string Warning)[] cases =
        [
            ("state MASTER", "state MASTER without priority means priority 255"),
            ("state MASTER\npriority 100\nnopreempt", "nopreempt does not work with state MASTER"),
            ("state MASTER\npriority 100\npreempt_delay 5", "preempt_delay does not work with state MASTER"),
            ("nopreempt\npreempt_delay 5", "preempt_delay does not apply with nopreempt"),
            ("version 3\nauthentication {\n auth_type PASS\n auth_pass x\n}", "VRRPv3 has no authentication"),
            ("authentication {\n auth_type PASS\n}", "auth_type PASS without auth_pass"),
            ("vmac_xmit_base", "vmac_xmit_base applies only with use_vmac"),
            ("track_interface {\n eth0\n}", "is the instance's own interface"),
            ("state MASTER\npriority 100\nstate BACKUP", "state BACKUP after state MASTER is ignored"),
        ];
        foreach (var (body, warning) in cases)
            AssertWarning(Instance(body), warning);
        Assert.Equal(TimeSpan.Zero, OkInstance("state MASTER\npriority 100\npreempt_delay 5").PreemptDelay);
        Assert.Null(OkInstance("version 3\nauthentication {\n auth_type PASS\n auth_pass x\n}").AuthPassword);
    }

    [Fact]
    public void Corrections_of_the_router_options_are_reported_once_at_the_keyword_they_concern()
    {
        // VirtualRouterOptions.Normalize makes them; the configuration layer says where.
        string text = """
            vrrp_instance VI_1 {
                state MASTER
                priority 100
                interface eth0
                virtual_router_id 51
                nopreempt
                preempt_delay 5
                virtual_ipaddress {
                    2001:db8::1
                }
            }
            """;
        ConfigLoadResult result = Load(text);
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        Assert.Equal(
            [(6, "vrrp_instance VI_1: nopreempt does not work with state MASTER; ignored, as keepalived does (use state BACKUP)"),
             (7, "vrrp_instance VI_1: preempt_delay does not work with state MASTER; ignored, as keepalived does (use state BACKUP)"),
             (9, "vrrp_instance VI_1: the first IPv6 virtual address 2001:db8::1 is not link-local (RFC 5798 5.2.9)")],
            result.Warnings.Select(w => (w.Location.Line, w.Message)));
        VrrpInstanceConfig i = result.Config!.Instances.Single();
        Assert.Equal((true, TimeSpan.Zero), (i.Preempt, i.PreemptDelay));

        // Strict mode, which the router's options do not know, clears a delay after them.
        AssertWarning(Instance("preempt_delay 5", "global_defs {\n vrrp_strict\n}"), "vrrp_strict does not allow preempt_delay");
        Assert.Equal(TimeSpan.Zero, OkInstance("preempt_delay 5", "global_defs {\n vrrp_strict\n}").PreemptDelay);
    }

    [Fact]
    public void Scripts_run_as_root_without_script_security_are_a_warning_as_keepalived_reports()
    {
        const string script = "vrrp_script chk {\n script /bin/true\n}\n";
        AssertWarning(Instance("track_script { chk }", script), "enable_script_security is not set");
        AssertWarning(Instance("notify_master /bin/true"), "enable_script_security is not set");
        Assert.Empty(Warnings(Instance("track_script { chk }", "global_defs { enable_script_security }\n" + script)));
        Assert.Empty(Warnings(Instance("track_script { chk }", "global_defs { script_user nobody }\n" + script)));
        Assert.Empty(Warnings(Instance("notify_master /bin/true nobody")));
    }

    [Fact]
    public void Extra_words_after_a_value_are_a_warning()
    {
        ConfigDiagnostic warning = AssertWarning(Instance("priority 100 200"), "extra words after 'priority'");
        Assert.Equal(8, warning.Location.Line);
        Assert.Equal(100, OkInstance("priority 100 200").Priority);
    }

    [Fact]
    public void Repeated_keyword_is_a_warning_and_the_last_wins()
    {
        AssertWarning(Instance("priority 100\npriority 200"), "'priority' is given again (first at /etc/keepalived/keepalived.conf:8); this one is used");
        Assert.Equal(200, OkInstance("priority 100\npriority 200").Priority);
        AssertError(Instance("notify_master /bin/a\nnotify_master /bin/b"), 9, "'notify_master' is given twice");
    }

    [Fact]
    public void Diagnostics_are_listed_in_file_and_line_order()
    {
        ConfigLoadResult result = Load("vrrp_instance a {\n interface eth0\n bogus 1\n virtual_ipaddress { 10.0.0.1 }\n}\n");
        Assert.Equal(result.Diagnostics.Select(d => d.Location.Line).Order(), result.Diagnostics.Select(d => d.Location.Line));
    }
}
