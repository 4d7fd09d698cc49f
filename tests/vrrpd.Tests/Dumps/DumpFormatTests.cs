using System.Text.Json;
using Vrrp.Keepalived;
using Vrrp.Linux.Hosting;
using Vrrpd.Dumps;

namespace vrrpd.Tests.Dumps;

/// <summary>The dump formats on a configuration and a snapshot made by hand: keepalived's keys, order, units and layout.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DumpFormatTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static DumpSource Source(string state = "BACKUP")
    {
        ConfigLoadResult loaded = ConfigLoader.LoadText("""
            global_defs {
                router_id lab
            }
            vrrp_script chk {
                script "/usr/bin/test -f /run/ok"
                weight -20
            }
            vrrp_instance mape {
                interface eth0
                virtual_router_id 4
                priority 245
                advert_int 1
                preempt_delay 5
                authentication {
                    auth_type PASS
                    auth_pass a\b/c
                }
                track_script {
                    chk
                }
                notify_master "/etc/keepalived/notify.sh master"
                notify "/etc/keepalived/notify.sh"
                virtual_ipaddress {
                    192.168.1.4
                    192.168.1.5/24 brd 192.168.1.255 label eth0:1
                }
            }
            """);
        Assert.True(loaded.Config is not null, string.Join('\n', loaded.Diagnostics));
        var instance = new InstanceStatus
        {
            Name = "mape", Interface = "eth0", Vrid = 4, Version = 2, Family = "IPv4", Priority = 245, EffectivePriority = 225,
            State = state, Since = Start.AddSeconds(80.5), Reason = "x", Master = "192.168.1.3", MasterPriority = 240,
            IsMasterSelf = state == "MASTER", AdvertIntervalCentiseconds = 100, MasterAdvertIntervalCentiseconds = 100,
            MasterDownIntervalMilliseconds = 3121.1, Preempt = true, PreemptDelaySeconds = 5, Accept = true, SourceAddress = "192.168.1.2",
            VirtualMac = "00:00:5e:00:01:04", Checksum = "message", Authentication = true, Addresses = ["192.168.1.4/32"],
            AddressesInstalled = state == "MASTER",
            Trackers = [new TrackerStatus("script", "chk", -20, false, false)],
            Counters = new RouterCountersStatus
            {
                AdvertisementsSent = 12, AdvertisementsReceived = 70, BecameMaster = 2, ReleasedMaster = 1, PriorityZeroReceived = 1,
                AddressListMismatches = 1,
                Rejected = [new("AuthMismatch", 3), new("AuthTypeMismatch", 4), new("IntervalMismatch", 5), new("AddressListMismatch", 6)],
            },
        };
        var status = new HostStatus(Start, Start.AddSeconds(90), 0, null, [instance],
            [new InterfaceStatus { Name = "eth0", Index = 2, Mac = "52:54:00:12:34:56", LinkUp = true, Receive = "ring", ParseErrors = [] }],
            [], [], new RuntimeStatus(0, 0, 0, 0, 0));
        return new DumpSource(status, loaded.Config!, 4242);
    }

    [Fact]
    public void Json_has_keepalived_s_keys_in_keepalived_s_order()
    {
        string json = JsonDump.Format(Source());
        Assert.EndsWith("}}]\n", json, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement item = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(["data", "stats"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal([
            "iname", "dont_track_primary", "skip_check_adv_addr", "strict_mode", "vmac_ifname", "ifp_ifname", "master_priority",
            "last_transition", "garp_delay", "garp_refresh", "garp_rep", "garp_refresh_rep", "garp_lower_prio_delay",
            "garp_lower_prio_rep", "lower_prio_no_advert", "higher_prio_send_advert", "vrid", "base_priority",
            "effective_priority", "vipset", "promote_secondaries", "adver_int", "master_adver_int", "accept", "nopreempt",
            "preempt_delay", "state", "wantstate", "version", "smtp_alert", "notify_deleted", "script_master", "script",
            "vips", "track_script", "auth_type", "auth_data",
        ], item.GetProperty("data").EnumerateObject().Select(p => p.Name));
        Assert.Equal([
            "advert_rcvd", "advert_sent", "become_master", "release_master", "packet_len_err", "advert_interval_err",
            "ip_ttl_err", "invalid_type_rcvd", "addr_list_err", "invalid_authtype", "authtype_mismatch", "auth_failure",
            "pri_zero_rcvd", "pri_zero_sent",
        ], item.GetProperty("stats").EnumerateObject().Select(p => p.Name));
        // Units and text forms as keepalived writes them.
        Assert.Contains("\"last_transition\":1795737680.500000,", json, StringComparison.Ordinal);
        Assert.Contains("\"adver_int\":1,\"master_adver_int\":1,", json, StringComparison.Ordinal);
        Assert.Contains("\"master_priority\":240,", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":1,\"wantstate\":1,\"version\":2,", json, StringComparison.Ordinal);
        Assert.Contains("\"preempt_delay\":5,", json, StringComparison.Ordinal);
        Assert.Contains("\"script_master\":\"'\\/etc\\/keepalived\\/notify.sh' 'master'\"", json, StringComparison.Ordinal);
        Assert.Contains("\"track_script\":[\"'\\/usr\\/bin\\/test' '-f' '\\/run\\/ok'\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"vips\":[\"192.168.1.4 dev eth0 scope global\",\"192.168.1.5\\/24 brd 192.168.1.255 dev eth0 scope global label eth0:1\"]", json, StringComparison.Ordinal);
        // A backslash is a backslash (keepalived 2.2.7 writes "\n" for it).
        Assert.Equal("a\\b/c", item.GetProperty("data").GetProperty("auth_data").GetString());
        JsonElement stats = item.GetProperty("stats");
        Assert.Equal(70, stats.GetProperty("advert_rcvd").GetInt64());
        Assert.Equal(5, stats.GetProperty("advert_interval_err").GetInt64());
        Assert.Equal(7, stats.GetProperty("addr_list_err").GetInt64());
        Assert.Equal(4, stats.GetProperty("authtype_mismatch").GetInt64());
        Assert.Equal(3, stats.GetProperty("auth_failure").GetInt64());
    }

    [Fact]
    public void Json_of_a_master_says_set_and_no_master_priority()
    {
        using JsonDocument doc = JsonDocument.Parse(JsonDump.Format(Source("MASTER")));
        JsonElement data = doc.RootElement[0].GetProperty("data");
        Assert.Equal(2, data.GetProperty("state").GetInt32());
        Assert.Equal(0, data.GetProperty("master_priority").GetInt32());
        Assert.True(data.GetProperty("vipset").GetBoolean());
        Assert.EndsWith(" set", data.GetProperty("vips")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_is_keepalived_s_layout()
    {
        Assert.Equal("""
            VRRP Instance: mape
              Advertisements:
                Received: 70
                Sent: 12
              Became master: 2
              Released master: 1
              Packet Errors:
                Length: 0
                TTL: 0
                Invalid Type: 0
                Advertisement Interval: 5
                Address List: 7
              Authentication Errors:
                Invalid Type: 0
                Type Mismatch: 4
                Failure: 3
              Priority Zero:
                Received: 1
                Sent: 0

            """.Replace("\r", "", StringComparison.Ordinal), StatsDump.Format(Source()));
    }

    [Fact]
    public void Data_has_keepalived_s_sections_and_lines()
    {
        string data = DataDump.Format(Source());
        Assert.StartsWith("------< Global definitions >------\n Network namespace = (default)\n Router ID = lab\n", data, StringComparison.Ordinal);
        Assert.Contains("------< VRRP Topology >------\n VRRP Instance = mape\n   VRRP Version = 2\n   State = BACKUP\n   Master router = 192.168.1.3\n   Master priority = 240\n", data, StringComparison.Ordinal);
        Assert.Contains("   Master down timer = 3121100 usecs\n", data, StringComparison.Ordinal);
        Assert.Contains("   Preempt delay = 5 secs\n", data, StringComparison.Ordinal);
        Assert.Contains("   Authentication type = SIMPLE_PASSWORD\n   Password = a\\b/c\n", data, StringComparison.Ordinal);
        Assert.Contains("   Virtual IP (2):\n     192.168.1.4 dev eth0 scope global\n", data, StringComparison.Ordinal);
        Assert.Contains("   Tracked scripts :\n     chk weight -20\n", data, StringComparison.Ordinal);
        Assert.Contains("   Master state transition script = '/etc/keepalived/notify.sh' 'master'\n", data, StringComparison.Ordinal);
        Assert.Contains("   Generic state transition script = '/etc/keepalived/notify.sh'\n", data, StringComparison.Ordinal);
        Assert.Contains("------< VRRP Scripts >------\n VRRP Script = chk\n   Command = '/usr/bin/test' '-f' '/run/ok'\n", data, StringComparison.Ordinal);
        Assert.Contains("   Status = BAD\n   Tracking instances :\n     mape, weight -20\n", data, StringComparison.Ordinal);
        Assert.Contains("------< Interfaces >------\n Name = eth0\n   index = 2\n", data, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "/tmp")]
    [InlineData("", "/tmp")]
    [InlineData("relative/dir", "/tmp")]
    [InlineData("/var/tmp/x", "/var/tmp/x")]
    public void Dumps_go_to_an_absolute_TMPDIR_else_tmp(string? tmpdir, string expected)
    {
        Assert.Equal(expected, DumpFiles.DefaultDirectory(tmpdir));
        DumpFiles files = DumpFiles.Create(null, keepalivedNames: false, tmpdir);
        Assert.Equal(Path.Combine(expected, "vrrpd.json"), files.PathOf(DumpKind.Json));
        Assert.Equal(Path.Combine(expected, "vrrpd.stats"), files.PathOf(DumpKind.StatsClear));
        Assert.Equal("/d/keepalived.data", DumpFiles.Create("/d", keepalivedNames: true, tmpdir).PathOf(DumpKind.Data));
    }

    [Fact]
    public void A_dump_replaces_a_symbolic_link_instead_of_following_it()
    {
        string dir = Directory.CreateTempSubdirectory("vrrpd-dump-").FullName;
        try
        {
            string victim = Path.Combine(dir, "victim");
            File.WriteAllText(victim, "keep me");
            string path = Path.Combine(dir, "vrrpd.json");
            File.CreateSymbolicLink(path, victim);
            DumpWriter.ReplaceFile(path, "[]\n");
            Assert.Equal("keep me", File.ReadAllText(victim));
            Assert.Null(new FileInfo(path).LinkTarget);
            Assert.Equal("[]\n", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(["victim", "vrrpd.json"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
