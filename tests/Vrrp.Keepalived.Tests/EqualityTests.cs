using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// On a reload the daemon compares old and new instances: unchanged settings must compare
/// equal (whatever moved in the file), any changed setting must not.
/// </summary>
public class EqualityTests
{
    private const string Base = """
        global_defs {
            router_id gw
        }
        vrrp_script chk {
            script "/bin/check 1"
            interval 10
        }
        vrrp_instance mape {
            state BACKUP
            interface eth0
            virtual_router_id 4
            priority 245
            advert_int 1
            virtual_ipaddress {
                192.168.1.4
                192.168.1.5/24 dev eth0 label eth0:5
            }
            virtual_ipaddress_excluded {
                2001:db8::4/64
            }
            track_interface {
                eth1
            }
            track_script {
                chk
            }
            unicast_peer {
                192.168.1.2
            }
            notify "/etc/vrrpd/notify.sh url"
        }
        vrrp_instance other {
            interface eth1
            virtual_router_id 9
            virtual_ipaddress { 10.0.0.9 }
        }
        """;

    [Fact]
    public void Same_text_gives_equal_configurations()
    {
        KeepalivedConfig a = Ok(Base), b = Ok(Base);
        Assert.NotSame(a.Instances[0], b.Instances[0]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.Instances[0], b.Instances[0]);
        Assert.Equal(a.Instances[0].GetHashCode(), b.Instances[0].GetHashCode());
    }

    [Fact]
    public void Comments_blank_lines_and_moved_blocks_do_not_count_as_changes()
    {
        string moved = "# a comment\n\n" + Base.Replace("vrrp_instance other {\n    interface eth1\n    virtual_router_id 9\n    virtual_ipaddress { 10.0.0.9 }\n}", "")
            + "\n! moved here\nvrrp_instance other {\n    interface eth1   # same\n    virtual_router_id 9\n    virtual_ipaddress {\n        10.0.0.9\n    }\n}\n";
        KeepalivedConfig a = Ok(Base), b = Ok(moved);
        Assert.False(a.FindInstance("mape")!.Location.SameAs(b.FindInstance("mape")!.Location));
        Assert.Equal(a.FindInstance("mape"), b.FindInstance("mape"));
        Assert.Equal(a.FindInstance("other"), b.FindInstance("other"));
    }

    [Theory]
    [InlineData("priority 245", "priority 244")]
    [InlineData("advert_int 1", "advert_int 2")]
    [InlineData("192.168.1.4\n", "192.168.1.6\n")]
    [InlineData("label eth0:5", "label eth0:6")]
    [InlineData("2001:db8::4/64", "2001:db8::4/48")]
    [InlineData("        eth1\n", "        eth1 weight 5\n")]
    [InlineData("192.168.1.2", "192.168.1.3")]
    [InlineData("notify.sh url", "notify.sh url2")]
    [InlineData("state BACKUP", "state BACKUP\n    nopreempt")]
    public void One_changed_setting_changes_that_instance_only(string from, string to)
    {
        string changed = Base.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Base, changed);
        KeepalivedConfig a = Ok(Base), b = Ok(changed);
        Assert.NotEqual(a.FindInstance("mape"), b.FindInstance("mape"));
        Assert.Equal(a.FindInstance("other"), b.FindInstance("other"));
        Assert.Equal(a.Scripts, b.Scripts);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_changed_script_leaves_the_instances_equal_but_not_the_scripts()
    {
        KeepalivedConfig a = Ok(Base), b = Ok(Base.Replace("interval 10", "interval 11", StringComparison.Ordinal));
        Assert.Equal(a.Instances, b.Instances);
        Assert.NotEqual(a.Scripts, b.Scripts);
    }

    [Fact]
    public void Joining_a_sync_group_changes_the_instance()
    {
        KeepalivedConfig a = Ok(Base), b = Ok(Base + "\nvrrp_sync_group g {\n group {\n mape\n other\n }\n}\n");
        Assert.NotEqual(a.FindInstance("mape"), b.FindInstance("mape"));
    }

    [Fact]
    public void Equatable_array_compares_contents()
    {
        var a = new EquatableArray<int>([1, 2, 3]);
        var b = new EquatableArray<int>([1, 2, 3]);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new EquatableArray<int>([1, 2]));
        Assert.NotEqual(a, new EquatableArray<int>([3, 2, 1]));
        Assert.Equal(EquatableArray<int>.Empty, default);
        Assert.True(default(EquatableArray<int>).IsEmpty);
        Assert.Equal(new EquatableArray<string>(["x"]), new EquatableArray<string>([new string('x', 1)]));
    }

    [Fact]
    public void Source_locations_never_affect_equality()
    {
        var here = new SourceLocation("/a.conf", 3);
        var there = new SourceLocation("/b.conf", 9);
        Assert.Equal(here, there);
        Assert.False(here.SameAs(there));
        Assert.True(here.SameAs(new SourceLocation("/a.conf", 3)));
        Assert.Equal("/a.conf:3", here.ToString());
    }

    [Fact]
    public void Every_instance_setting_takes_part_in_equality()
    {
        // Guards against a setting added later in a way that escapes comparison: changing any one
        // property (other than the location) must make the instances differ.
        VrrpInstanceConfig i = Ok(Base).FindInstance("mape")!;
        var changed = new List<VrrpInstanceConfig>
        {
            i with { Name = "x" }, i with { InitialState = InitialState.Master }, i with { Interface = "eth9" },
            i with { VirtualRouterId = 5 }, i with { Priority = 1 }, i with { Version = VrrpVersion.V3 },
            i with { Family = IpFamily.IPv6 }, i with { AdvertIntervalCentiseconds = 7 }, i with { Preempt = false },
            i with { PreemptDelay = TimeSpan.FromSeconds(1) }, i with { Garp = i.Garp with { MasterRepeat = 9 } },
            i with { LowerPriorityNoAdvert = true }, i with { HigherPrioritySendAdvert = true }, i with { DownTimerAdverts = 4 },
            i with { VirtualAddresses = EquatableArray<VirtualAddressConfig>.Empty }, i with { ExcludedAddresses = EquatableArray<VirtualAddressConfig>.Empty },
            i with { TrackInterfaces = EquatableArray<TrackedInterfaceConfig>.Empty }, i with { TrackScripts = EquatableArray<TrackedScriptConfig>.Empty },
            i with { TrackProcesses = new[] { new TrackedProcessConfig("p", 0, false) }.ToEquatableArray() },
            i with { TrackFiles = new[] { new TrackedFileConfig("f", 1, false) }.ToEquatableArray() },
            i with { SourceAddress = IpAddr.Parse("1.2.3.4") }, i with { UnicastPeers = EquatableArray<IpAddr>.Empty },
            i with { CheckUnicastSource = true }, i with { UseVmac = true }, i with { VmacName = "v" }, i with { VmacXmitBase = true },
            i with { AuthPassword = "p" }, i with { Accept = false }, i with { DontTrackPrimary = true },
            i with { SkipCheckAdvertAddresses = true }, i with { StrictAddressCheck = true }, i with { StrictMode = true }, i with { V3Checksum = ChecksumConvention.MessageOnly },
            i with { NotifyPriorityChanges = true }, i with { Notify = NotifyScripts.None }, i with { SyncGroup = "g" },
            i with { VirtualRoutes = new[] { new VirtualRouteConfig { Destination = IpAddr.Parse("10.0.0.0"), PrefixLength = 8 } }.ToEquatableArray() },
            i with { VirtualRules = new[] { new VirtualRuleConfig { Table = 5, Priority = 5 } }.ToEquatableArray() },
        };
        int settable = typeof(VrrpInstanceConfig).GetProperties().Count(p => p.CanWrite && p.Name != nameof(VrrpInstanceConfig.Location));
        Assert.Equal(settable, changed.Count);
        Assert.All(changed, c => Assert.NotEqual(i, c));
        Assert.Equal(i, i with { Location = new SourceLocation("/elsewhere.conf", 99) });
    }
}
