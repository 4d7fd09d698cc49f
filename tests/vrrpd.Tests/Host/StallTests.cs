using System.Text;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>A loop that was stalled reads every queued advertisement before it runs its timers.</summary>
[Collection(DaemonCollection.Name)]
public sealed class StallTests
{
    // More routers than one receive batch (64 frames), so the queued adverts take several.
    private const int Routers = 160;

    private static string Config(int priority)
    {
        var s = new StringBuilder();
        for (int vrid = 1; vrid <= Routers; vrid++)
        {
            s.Append($$"""
                vrrp_instance VR{{vrid}} {
                    state BACKUP
                    interface eth0
                    virtual_router_id {{vrid}}
                    priority {{priority}}
                    version 3
                    advert_int 0.05
                    virtual_ipaddress {
                        10.9.1.{{vrid}}/32
                    }
                }

                """);
        }
        return s.ToString();
    }

    [Fact]
    public void A_stalled_backup_reads_the_queued_adverts_before_declaring_its_masters_down()
    {
        using var lab = new DaemonLab(2);
        // r2 starts once r1 is Master, so that it never takes over in the initial election:
        // started together, r2 can be Master for a moment before r1's adverts arrive.
        VrrpdProcess r1 = lab.Start(1, Config(245));
        Assert.True(WaitForAll(r1, "MASTER"), r1.Output);
        VrrpdProcess r2 = lab.Start(2, Config(240));
        Assert.True(WaitForAll(r2, "BACKUP", master: "10.9.0.1"), r2.Output);

        // Stopped for longer than Master_Down_Interval (3 × 50 ms + Skew_Time): when it resumes,
        // every router's timer is due and about 1,300 adverts of its Masters wait in the socket.
        // Takeovers count by the time in their log line: lines reach us through a pipe, late.
        DateTime stoppedAt = DateTime.UtcNow;
        r2.Signal("STOP");
        Thread.Sleep(400);
        r2.Signal("CONT");
        Thread.Sleep(500);

        string[] takeovers = [.. r2.Lines.Where(l => l.Contains("Entering MASTER STATE", StringComparison.Ordinal) && FailoverTests.Timestamp(l) >= stoppedAt)];
        Assert.True(takeovers.Length == 0, $"{takeovers.Length} false takeovers, the first: {takeovers.FirstOrDefault()}");
        Assert.True(WaitForAll(r2, "BACKUP"), r2.Output);
    }

    // Every instance in the state (and, if given, having heard that Master: a Backup reports
    // BACKUP from startup on, before it has its Master's first advert).
    private static bool WaitForAll(VrrpdProcess daemon, string state, string? master = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (daemon.Status().GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("state").GetString() == state
                        && (master is null || (i.TryGetProperty("master", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String && m.GetString() == master))) == Routers)
                    return true;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                // Not listening yet.
            }
            Thread.Sleep(100);
        }
        return false;
    }
}
