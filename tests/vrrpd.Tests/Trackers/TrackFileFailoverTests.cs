using System.Runtime.Versioning;
using Vrrp.Lab;
using vrrpd.Tests.Host;

namespace vrrpd.Tests.Trackers;

/// <summary>
/// track_file end to end, two vrrpd in namespaces (the gateway at 245, the other at 240): the
/// number written to the file times the weight moves the gateway's priority (past the other
/// router's: failover and back), a value whose status reaches -254 is FAULT, a file replaced
/// by a rename is read, a deleted file is 0, and a weight-0 file faults on any value but 0.
/// </summary>
[Collection(DaemonCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class TrackFileFailoverTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public void Values_written_to_the_file_move_the_priority_and_the_master()
    {
        using var lab = new DaemonLab(2);
        string prio = Path.Combine(lab.Directory, "prio"), stop = Path.Combine(lab.Directory, "stop");
        string gateway = $$"""
            track_file prio {
                file {{prio}}
                weight 10
                init_file 0
            }
            vrrp_track_file stop {
                file "{{stop}}"
                weight 0
            }
            {{FailoverTests.Config(245, """
                track_file {
                    prio
                    stop
                }
                """)}}
            """;
        VrrpdProcess r1 = lab.Start(1, gateway);
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal("0\n", File.ReadAllText(prio));   // init_file wrote it
        Assert.Contains(r1.Lines, l => l.Contains("\"vrrp_track_file\" is deprecated", StringComparison.Ordinal));

        // -1 x 10: 235, below the other router, which takes over.
        File.WriteAllText(prio, "-1\n");
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.True(r1.WaitForState("BACKUP", Settle), r1.Output);
        Assert.Equal(235, r1.Instance().GetProperty("effective_priority").GetInt32());
        Assert.Equal([2], lab.Holders(FailoverTests.Vip));

        // Replaced by a rename, as careful writers do: 1 x 10, 255 clamped to 254; the gateway preempts.
        File.WriteAllText(prio + ".tmp", "0x1");
        File.Move(prio + ".tmp", prio, overwrite: true);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r1.WaitForPriority(254, Settle), r1.Output);
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));

        // -26 x 10 = -260, clamped to -254: FAULT, priority 0, the other router at once.
        File.WriteAllText(prio, "-26");
        Assert.True(r1.WaitForState("FAULT", Settle), r1.Output);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(2)), r2.Output);
        Assert.Contains("file prio", r1.Instance().GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Deleted: 0, back to 245 and master.
        File.Delete(prio);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r1.WaitForPriority(245, Settle), r1.Output);

        // The weight-0 file: any value but 0 is FAULT, 0 is fine.
        File.WriteAllText(stop, "1");
        Assert.True(r1.WaitForState("FAULT", Settle), r1.Output);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(2)), r2.Output);
        File.WriteAllText(stop, "0");
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));
        JsonElementAssert.TrackerUp(r1, "file", "stop", up: true);
    }

    [Fact]
    public void A_file_in_a_missing_directory_is_not_tracked_as_keepalived_does()
    {
        using var lab = new DaemonLab(1);
        string config = $$"""
            track_file prio {
                file {{lab.Directory}}/missing/prio
                weight 0
            }
            {{FailoverTests.Config(200, "track_file {\n prio\n}")}}
            """;
        VrrpdProcess r1 = lab.Start(1, config);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Contains(r1.Lines, l => l.Contains("the directory of", StringComparison.Ordinal) && l.Contains("does not exist", StringComparison.Ordinal));
        Assert.Equal(0, r1.Instance().GetProperty("trackers").GetArrayLength());
    }
}
