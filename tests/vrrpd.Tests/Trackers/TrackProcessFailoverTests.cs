using System.Runtime.Versioning;
using Vrrp.Lab;
using vrrpd.Tests.Host;

namespace vrrpd.Tests.Trackers;

/// <summary>
/// vrrp_track_process end to end, two vrrpd in namespaces (the gateway at 245, the other at
/// 240): a process that stops lowers the gateway's priority (weight -10) below the other's,
/// which takes over, and its return preempts back; a weight-0 process that stops puts the
/// gateway in FAULT. The processes run outside the namespaces, as processes do: the kernel
/// sends process events to the initial network namespace only, and vrrpd reads them there.
/// </summary>
[Collection(DaemonCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class TrackProcessFailoverTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public void Processes_stopping_and_starting_move_the_priority_and_the_master()
    {
        using var lab = new DaemonLab(2);
        using var programs = new TrackedPrograms(lab.Directory);
        string prio = programs.Create('p'), alive = programs.Create('a');
        programs.Start(alive);
        string gateway = $$"""
            global_defs {
                vrrpd_process_events_host_namespace
            }
            vrrp_track_process prio {
                process {{prio}}
            }
            vrrp_track_process alive {
                process {{alive}}
                terminate_delay 0.3
            }
            {{FailoverTests.Config(245, """
                track_process {
                    prio weight -10
                    alive
                }
                """)}}
            """;
        VrrpdProcess r1 = lab.Start(1, gateway);
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240));

        // prio is not running: 245 - 10 = 235, below the other router.
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.True(r1.WaitForState("BACKUP", Settle), r1.Output);
        Assert.Equal(235, r1.Instance().GetProperty("effective_priority").GetInt32());
        Assert.Equal([2], lab.Holders(FailoverTests.Vip));

        // prio starts: 245, the gateway preempts.
        programs.Start(prio);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal(245, r1.Instance().GetProperty("effective_priority").GetInt32());
        Assert.NotNull(r1.WaitForLine(l => l.Contains($"Quorum gained for tracked process prio", StringComparison.Ordinal), TimeSpan.Zero));
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));

        // A reload keeps the counts (read again) and goes on following the processes.
        r1.Signal("HUP");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reloaded: 1 instances unchanged", StringComparison.Ordinal), Settle));
        Assert.True(r1.WaitForPriority(245, Settle), r1.Output);

        // prio stops: 235 again, the other router takes over.
        programs.Stop(prio);
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.True(r1.WaitForState("BACKUP", Settle), r1.Output);
        Assert.Equal([2], lab.Holders(FailoverTests.Vip));
        programs.Start(prio);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);

        // alive (weight 0) stops: after terminate_delay, FAULT; the other router takes over at once (priority 0).
        programs.Stop(alive);
        Assert.True(r1.WaitForState("FAULT", Settle), r1.Output);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(2)), r2.Output);
        Assert.Contains("process alive", r1.Instance().GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal([2], lab.Holders(FailoverTests.Vip));

        programs.Start(alive);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));
    }

    [Fact]
    public void Quorum_and_quorum_max_count_the_running_processes()
    {
        using var lab = new DaemonLab(1);
        using var programs = new TrackedPrograms(lab.Directory);
        string worker = programs.Create('w');
        string config = $$"""
            global_defs {
                vrrpd_process_events_host_namespace
            }
            vrrp_track_process workers {
                process {{worker}}
                quorum 2
                quorum_max 3
                weight 20
            }
            {{FailoverTests.Config(100, "track_process {\n workers\n}")}}
            """;
        programs.Start(worker);
        VrrpdProcess r1 = lab.Start(1, config);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Equal(100, r1.Instance().GetProperty("effective_priority").GetInt32());   // 1 < quorum 2
        programs.Start(worker);
        Assert.True(r1.WaitForPriority(120, Settle), r1.Output);                         // 2
        programs.Start(worker);
        programs.Start(worker);
        Assert.True(r1.WaitForPriority(100, Settle), r1.Output);                         // 4 > quorum_max 3
        JsonElementAssert.TrackerUp(r1, "process", "workers", up: false);
    }
}

internal static class JsonElementAssert
{
    /// <summary>Asserts the state status shows for a tracker.</summary>
    public static void TrackerUp(VrrpdProcess daemon, string kind, string name, bool up)
    {
        foreach (System.Text.Json.JsonElement t in daemon.Instance().GetProperty("trackers").EnumerateArray())
        {
            if (t.GetProperty("kind").GetString() == kind && t.GetProperty("name").GetString() == name)
            {
                Assert.Equal(up, t.GetProperty("up").GetBoolean());
                return;
            }
        }
        Assert.Fail($"no {kind} {name} in the status:\n{daemon.Instance()}");
    }
}
