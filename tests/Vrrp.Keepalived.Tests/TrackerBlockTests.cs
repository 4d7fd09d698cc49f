using Vrrp.Lab;
using Vrrp.Core.Router;
using Vrrp.Keepalived;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// vrrp_track_process and track_file blocks and the track_process / track_file lists of
/// instances and sync groups, read as keepalived 2.2.7 reads them (ka-behaviour.md 8.1, 8.2):
/// defaults, each bad value ignored with a warning, blocks found only when written before,
/// the owner's and sync group members' weights.
/// </summary>
public class TrackerBlockTests
{
    private static KeepalivedConfig OkNoWarnings(string text)
    {
        ConfigLoadResult result = Load(text);
        Assert.True(result.Success && !result.Warnings.Any(), "expected neither errors nor warnings, got:\n" + string.Join('\n', result.Diagnostics));
        return result.Config!;
    }

    [Fact]
    public void A_process_block_with_every_setting()
    {
        KeepalivedConfig config = OkNoWarnings(Instance("track_process {\n nginx weight -30 reverse\n}", """
            vrrp_track_process nginx {
                process "/usr/sbin/nginx" -g "daemon off;"
                param_match partial
                quorum 2
                quorum_max 4
                weight 10 reverse
                delay 1.5
                terminate_delay 0.25
            }
            """));
        TrackProcessConfig p = Assert.Single(config.TrackProcesses);
        Assert.Equal("/usr/sbin/nginx", p.Process);
        Assert.Equal(["-g", "daemon off;"], p.Parameters);
        Assert.Equal((ProcessParamMatch.Partial, true), (p.ParamMatch, p.FullCommand));
        Assert.Equal((2u, 4u, 10, true), (p.Quorum, p.QuorumMax, p.Weight, p.WeightReverse));
        Assert.Equal((TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.25)), (p.ForkDelay, p.TerminateDelay));
        Assert.Equal([new TrackedProcessConfig("nginx", -30, true)], config.Instances.Single().TrackProcesses);
    }

    [Fact]
    public void Process_defaults_weight_0_quorum_1_unbounded_by_name()
    {
        KeepalivedConfig config = OkNoWarnings(Instance("track_process {\n p\n}", "vrrp_track_process p {\n process haproxy\n}"));
        TrackProcessConfig p = config.TrackProcesses.Single();
        Assert.Equal((0, false, 1u, uint.MaxValue), (p.Weight, p.WeightReverse, p.Quorum, p.QuorumMax));
        Assert.Equal((ProcessParamMatch.None, false, 0), (p.ParamMatch, p.FullCommand, p.Parameters.Count));
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (p.ForkDelay, p.TerminateDelay));
        Assert.Equal([new TrackedProcessConfig("p", 0, false)], config.Instances.Single().TrackProcesses);
    }

    [Theory]
    [InlineData("param_match", ProcessParamMatch.Exact, true)]
    [InlineData("param_match initial", ProcessParamMatch.Initial, true)]
    [InlineData("full_command", ProcessParamMatch.None, true)]
    public void Param_match_and_full_command_compare_the_command_line(string line, ProcessParamMatch match, bool full)
    {
        TrackProcessConfig p = OkNoWarnings($"vrrp_track_process p {{\n process sleep\n {line}\n}}\n" + Instance("")).TrackProcesses.Single();
        Assert.Equal((match, full), (p.ParamMatch, p.FullCommand));
    }

    [Theory]
    [InlineData("param_match some", "param_match 'some' is not none, partial or initial")]
    [InlineData("quorum 0", "quorum '0' must be 1..65535")]
    [InlineData("quorum_max 2\n quorum 3", "quorum 3 is greater than quorum_max 2")]
    [InlineData("quorum 3\n quorum_max 2", "quorum_max 2 is less than quorum 3")]
    [InlineData("weight 255", "weight '255' must be -254..254")]
    [InlineData("weight 5\n weight 6", "the weight is already set (5); '6' is ignored")]
    [InlineData("weight 5 backwards", "unknown weight option 'backwards'")]
    [InlineData("delay 0", "delay '0' must be 0.000001..3600 seconds")]
    [InlineData("fork_delay 3601", "fork_delay '3601' must be 0.000001..3600 seconds")]
    [InlineData("process other", "the process is already set ('sleep'); 'other' is ignored")]
    public void Bad_process_values_are_ignored_with_a_warning(string line, string warning)
    {
        string text = $"vrrp_track_process p {{\n process sleep\n {line}\n}}\n" + Instance("track_process {\n p\n}");
        Assert.True(Load(text).Success);
        AssertWarning(text, warning);
    }

    [Fact]
    public void Quorum_max_0_means_the_process_must_not_run()
    {
        TrackProcessConfig p = OkNoWarnings("vrrp_track_process p {\n process sleep\n quorum_max 0\n}\n" + Instance("")).TrackProcesses.Single();
        Assert.Equal((0u, 0u), (p.Quorum, p.QuorumMax));
    }

    [Fact]
    public void A_block_without_process_or_file_is_dropped_and_its_entries_ignored()
    {
        string text = "vrrp_track_process p {\n quorum 2\n}\ntrack_file f {\n weight 3\n}\n" + Instance("track_process {\n p\n}\ntrack_file {\n f\n}");
        KeepalivedConfig config = Ok(text);
        Assert.Empty(config.TrackProcesses);
        Assert.Empty(config.TrackFiles);
        Assert.Empty(config.Instances.Single().TrackProcesses);
        AssertWarning(text, "vrrp_track_process p names no process");
        AssertWarning(text, "track_file f names no file");
        AssertWarning(text, "track_process p not found; ignored");
    }

    [Fact]
    public void A_file_block_with_its_defaults_and_the_deprecated_spelling()
    {
        KeepalivedConfig config = OkNoWarnings(Instance("track_file {\n prio\n}", "track_file prio {\n file /run/prio\n}"));
        Assert.Equal(new TrackFileConfig { Name = "prio", Path = "/run/prio", Weight = 1 }, config.TrackFiles.Single() with { Location = default });
        Assert.Equal([new TrackedFileConfig("prio", 1, false)], config.Instances.Single().TrackFiles);

        string old = Instance("track_file {\n prio weight -2 reverse\n}", "vrrp_track_file prio {\n file \"/run/my prio\"\n weight 3 reverse\n init_file 7 overwrite\n}");
        AssertWarning(old, "\"vrrp_track_file\" is deprecated, please use \"track_file\"");
        TrackFileConfig f = Ok(old).TrackFiles.Single();
        Assert.Equal(("/run/my prio", 3, true, new TrackFileInit(7, true)), (f.Path, f.Weight, f.WeightReverse, f.Init));
        Assert.Equal([new TrackedFileConfig("prio", -2, true)], Ok(old).Instances.Single().TrackFiles);
    }

    [Theory]
    [InlineData("init_file", 0, false, null)]
    [InlineData("init_file overwrite -5", -5, true, null)]
    [InlineData("init_file 300", 300, false, "init_file value 300 is outside the sensible range -254..254")]
    [InlineData("init_file 9x", 0, false, "init_file value '9x' is not a number")]
    [InlineData("init_file always", 0, false, "unknown init_file option 'always'")]
    public void Init_file_options(string line, int value, bool overwrite, string? warning)
    {
        string text = $"track_file f {{\n file /run/f\n {line}\n}}\n" + Instance("track_file {\n f\n}");
        Assert.Equal(new TrackFileInit(value, overwrite), Ok(text).TrackFiles.Single().Init);
        if (warning is not null)
            AssertWarning(text, warning);
    }

    [Theory]
    [InlineData("p weight", null, "'weight' needs a value; the entry is ignored")]
    [InlineData("p reverse", null, "unknown option 'reverse'; the entry is ignored")]
    [InlineData("p weight 300", 4, "weight '300' must be -254..254; the block's weight 4 is used")]
    [InlineData("p weight 9 sideways", 9, "unknown weight option 'sideways'; ignored")]
    [InlineData("p weight -9 noreverse", -9, null)]
    public void Process_entry_options(string entry, int? weight, string? warning)
    {
        string text = "vrrp_track_process p {\n process sleep\n weight 4 reverse\n}\n" + Instance($"track_process {{\n {entry}\n}}");
        EquatableArray<TrackedProcessConfig> tracked = Ok(text).Instances.Single().TrackProcesses;
        if (weight is null)
            Assert.Empty(tracked);
        else
            Assert.Equal(weight, tracked.Single().Weight);
        if (warning is not null)
            AssertWarning(text, warning);
    }

    [Fact]
    public void A_file_entry_with_an_unknown_weight_option_is_dropped_unlike_a_process_entry()
    {
        string text = "track_file f {\n file /run/f\n}\n" + Instance("track_file {\n f weight 2 sideways\n}");
        Assert.Empty(Ok(text).Instances.Single().TrackFiles);
        AssertWarning(text, "unknown weight option 'sideways'; the entry is ignored");
    }

    [Fact]
    public void Blocks_written_after_the_instance_are_not_found_as_in_keepalived()
    {
        // Measured: keepalived -t says "(A) track file f1 not found, ignoring..." for this order.
        string text = Instance("track_file {\n f1\n}\ntrack_process {\n p1\n}") + "\ntrack_file f1 {\n file /run/f1\n}\nvrrp_track_process p1 {\n process foo\n}\n";
        KeepalivedConfig config = Ok(text);
        Assert.Empty(config.Instances.Single().TrackFiles);
        Assert.Empty(config.Instances.Single().TrackProcesses);
        Assert.Single(config.TrackFiles);
        AssertWarning(text, "track_file f1 not found; ignored, as keepalived does (track_file f1 is written after it");
        AssertWarning(text, "track_process p1 not found; ignored, as keepalived does (vrrp_track_process p1 is written after it");
    }

    [Fact]
    public void Duplicates_keep_the_first()
    {
        string text = "vrrp_track_process p {\n process a\n}\nvrrp_track_process p {\n process b\n}\n" + Instance("track_process {\n p weight 2\n p weight 3\n}");
        KeepalivedConfig config = Ok(text);
        Assert.Equal("a", config.FindTrackProcess("p")!.Process);
        Assert.Equal([new TrackedProcessConfig("p", 2, false)], config.Instances.Single().TrackProcesses);
        AssertWarning(text, "vrrp_track_process p is already defined");
        AssertWarning(text, "track_process p is listed twice");
    }

    [Fact]
    public void The_owner_keeps_its_processes_but_not_its_weighted_files()
    {
        // Measured on keepalived 2.2.7: "(E) ignoring tracked file f2 with weight 4 due to address_owner".
        string text = """
            vrrp_track_process p {
                process sleep
                weight 20
            }
            track_file one {
                file /run/one
            }
            track_file four {
                file /run/four
                weight 4
            }
            vrrp_instance E {
                interface eth0
                virtual_router_id 5
                priority 255
                virtual_ipaddress { 10.0.0.1 }
                track_process { p }
                track_file {
                    one
                    four
                }
            }
            """;
        VrrpInstanceConfig e = Ok(text).Instances.Single();
        Assert.Equal([new TrackedProcessConfig("p", 20, false)], e.TrackProcesses);
        Assert.Equal([new TrackedFileConfig("one", 0, false)], e.TrackFiles);
        AssertWarning(text, "track_file one: the weight is ignored for the address owner (priority 255)");
        AssertWarning(text, "track_file four with weight 4 is not tracked by the address owner");
    }

    private const string SyncGroupConf = """
        vrrp_track_process proc {
            process sleep
        }
        track_file f1 {
            file /run/f1
        }
        track_file f2 {
            file /run/f2
            weight 4
        }
        vrrp_sync_group G {
            group { A B }
            track_file { f1 weight 5 }
            track_process { proc weight -7 }
        }
        vrrp_instance A {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress { 10.0.0.1 }
            track_process { proc weight 3 }
        }
        vrrp_instance B {
            interface eth0
            virtual_router_id 52
            priority 100
            virtual_ipaddress { 10.0.0.2 }
            track_file {
                f1 weight 2
                f2 weight 0
            }
        }
        """;

    [Fact]
    public void Sync_group_trackers_apply_to_every_member_with_their_weights_as_keepalived_measured()
    {
        // Measured on keepalived 2.2.7: the group's "f1 weight 5" with the value 3 gives its members
        // 115; B's own "f1 weight 2" is dropped ("ignoring tracked file f1 with weight 2 due to
        // SYNC group"); a process both track keeps the group's weight (the member's is not 0).
        KeepalivedConfig config = Ok(SyncGroupConf);
        SyncGroupConfig g = config.SyncGroups.Single();
        Assert.Equal([new TrackedFileConfig("f1", 5, false)], g.TrackFiles);
        Assert.Equal([new TrackedProcessConfig("proc", -7, false)], g.TrackProcesses);
        VrrpInstanceConfig a = config.FindInstance("A")!, b = config.FindInstance("B")!;
        Assert.Equal([new TrackedFileConfig("f2", 0, false)], b.TrackFiles);
        AssertWarning(SyncGroupConf, "track_file f1 with weight 2 is not tracked by a member of sync group G");
        AssertWarning(SyncGroupConf, "track_process proc is also tracked by its member A");

        Assert.Equal(
            [new TrackerSpec(TrackerKind.Process, "proc", -7, false), new TrackerSpec(TrackerKind.File, "f1", 5, false)],
            InstanceOptions.Trackers(a, g));
        Assert.Equal(
            [new TrackerSpec(TrackerKind.File, "f2", 0, false), new TrackerSpec(TrackerKind.Process, "proc", -7, false), new TrackerSpec(TrackerKind.File, "f1", 5, false)],
            InstanceOptions.Trackers(b, g));
    }

    [Fact]
    public void A_group_with_an_owner_member_gets_weight_0()
    {
        string text = SyncGroupConf.Replace("virtual_router_id 52\n    priority 100", "virtual_router_id 52\n    priority 255", StringComparison.Ordinal);
        SyncGroupConfig g = Ok(text).SyncGroups.Single();
        Assert.Equal([new TrackedFileConfig("f1", 0, false)], g.TrackFiles);
        Assert.Equal([new TrackedProcessConfig("proc", 0, false)], g.TrackProcesses);
        AssertWarning(text, "track_file f1: weight set to 0, since member B has priority 255");
    }

    [Fact]
    public void Files_report_values_and_processes_states_to_the_router()
    {
        VrrpInstanceConfig i = Ok("vrrp_track_process p {\n process x\n weight 5\n}\ntrack_file f {\n file /run/f\n}\n" + Instance("track_process { p }\ntrack_file { f weight -3 reverse }")).Instances.Single();
        IReadOnlyList<TrackerSpec> specs = InstanceOptions.Trackers(i, null);
        Assert.Equal(
            [new TrackerOptions("process p", 5), new TrackerOptions("file f", -3, true, TrackerInput.Value)],
            specs.Select(s => s.ToOptions()));
    }

    [Fact]
    public void Bfd_stays_refused()
    {
        AssertError(Instance("track_bfd {\n b\n}"), 8, "keepalived keyword 'track_bfd' is not supported by vrrpd");
    }
}

/// <summary>keepalived -t and vrrpd read the same tracker blocks the same way.</summary>
public class TrackerAgreementTests(KeepalivedNamespace keepalived) : IClassFixture<KeepalivedNamespace>
{
    [Fact]
    public void Both_accept_process_and_file_trackers_without_a_word()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("keepalived.conf", $$"""
            vrrp_track_process nginx {
                process nginx
                param_match initial
                quorum 2
                quorum_max 8
                weight 10 reverse
                fork_delay 0.5
                terminate_delay 2
            }
            track_file prio {
                file {{dir.Path}}/prio
                weight -2
                init_file 3 overwrite
            }
            vrrp_sync_group G {
                group { a b }
                track_file { prio weight 4 }
            }
            vrrp_instance a {
                interface eth0
                virtual_router_id 4
                priority 100
                virtual_ipaddress { 10.0.0.1 }
                track_process {
                    nginx weight 7 noreverse
                }
            }
            vrrp_instance b {
                interface eth1
                virtual_router_id 5
                priority 100
                virtual_ipaddress { 10.0.0.2 }
            }
            """);
        ConfigLoadResult result = ConfigLoader.LoadFile(file);
        Assert.True(result.Success && !result.Diagnostics.Any(), string.Join('\n', result.Diagnostics));
        var (exit, output) = keepalived.CheckWithKeepalived(file);
        Assert.True(exit == 0 && output.Trim().Length == 0, $"keepalived -t exited {exit}:\n{output}");
        Assert.False(File.Exists(Path.Combine(dir.Path, "prio")), "-t writes no init_file");
    }

    [Fact]
    public void Both_ignore_an_entry_whose_block_is_written_after_the_instance()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("keepalived.conf", """
            vrrp_instance a {
                interface eth0
                virtual_router_id 4
                priority 100
                virtual_ipaddress { 10.0.0.1 }
                track_file { f1 weight 5 }
                track_process { p1 }
            }
            track_file f1 {
                file /run/f1
            }
            vrrp_track_process p1 {
                process foo
            }
            """);
        ConfigLoadResult result = ConfigLoader.LoadFile(file);
        Assert.True(result.Success);
        Assert.Contains(result.Warnings, w => w.Location.Line == 6 && w.Message.Contains("track_file f1 not found", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Location.Line == 7 && w.Message.Contains("track_process p1 not found", StringComparison.Ordinal));
        var (_, output) = keepalived.CheckWithKeepalived(file);
        Assert.Contains("Line 6) (a) track file f1 not found, ignoring...", output, StringComparison.Ordinal);
        Assert.Contains("Line 7) (a) track process p1 not found, ignoring...", output, StringComparison.Ordinal);
    }
}
