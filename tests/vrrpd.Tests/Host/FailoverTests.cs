using System.Diagnostics;
using System.Globalization;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>Two vrrpd processes on a LAN of namespaces: election, link cut, preemption, SIGTERM handover.</summary>
[Collection(DaemonCollection.Name)]
public sealed class FailoverTests
{
    internal const string Vip = "10.9.0.100/24";

    // VRRPv3 at 100 ms: Master_Down_Interval is 300 ms + Skew_Time, Skew_Time 6.25 ms at priority 240.
    internal static string Config(int priority, string extra = "", string interval = "0.1") => $$"""
        vrrp_instance mape {
            state BACKUP
            interface eth0
            virtual_router_id 4
            priority {{priority}}
            version 3
            advert_int {{interval}}
            {{extra}}
            virtual_ipaddress {
                {{Vip}}
            }
        }
        """;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public void Elect_fail_over_on_a_cut_cable_preempt_back_and_hand_over_on_SIGTERM()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));

        // Election: the higher priority is Master and holds the address alone.
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal([1], lab.Holders(Vip));
        Assert.Equal("10.9.0.1", r2.Instance().GetProperty("master").GetString());
        // Both move to the ring set up in the background after startup, the Master too (it
        // reads before its timers); a ring that failed would say why in receive_ring_error.
        string[] receive = [];
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < Settle; Thread.Sleep(50))
        {
            receive = [.. new[] { r1, r2 }.Select(r => r.Status().GetProperty("interfaces")[0]).Select(i =>
                i.GetProperty("receive").GetString() + (i.TryGetProperty("receive_ring_error", out System.Text.Json.JsonElement e) ? $" ({e})" : ""))];
            if (receive.All(r => r == "ring"))
                break;
        }
        Assert.Equal(["ring", "ring"], receive);

        // Cable pulled: r1 sees carrier loss (FAULT, address removed), r2 takes over after Master_Down_Interval.
        int mark = r2.LineCount;
        var clock = Stopwatch.StartNew();
        lab.SetCable(1, up: false);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(3)), r2.Output);
        TimeSpan takeover = clock.Elapsed;
        Assert.True(r1.WaitForState("FAULT", TimeSpan.FromSeconds(2)), r1.Output);
        Assert.True(takeover < TimeSpan.FromMilliseconds(306 + 700), $"takeover after {takeover.TotalMilliseconds} ms");
        // The log comes through a pipe and may trail the control socket by a moment.
        Assert.NotNull(r2.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE", StringComparison.Ordinal), TimeSpan.FromSeconds(2), mark));
        Assert.Equal([2], lab.Holders(Vip));
        Assert.Contains("interface eth0 down", r1.Instance().GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Cable back: r1 leaves FAULT and preempts r2.
        lab.SetCable(1, up: true);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal([1], lab.Holders(Vip));

        // SIGTERM: r1 sends priority 0 and removes the address; r2 takes over after Skew_Time, not
        // Master_Down_Interval, and r1 exits 0 removing its pid file and control socket.
        mark = r2.LineCount;
        int r1Mark = r1.LineCount;
        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(TimeSpan.FromSeconds(10)), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        string? takeoverLine = r2.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE", StringComparison.Ordinal), TimeSpan.FromSeconds(3), mark);
        Assert.NotNull(takeoverLine);
        Assert.Contains("master sent priority 0", takeoverLine, StringComparison.Ordinal);
        string stopLine = r1.WaitForLine(l => l.Contains("(mape) Stopped (was MASTER)", StringComparison.Ordinal), TimeSpan.Zero, r1Mark)!;
        TimeSpan handover = Timestamp(takeoverLine) - Timestamp(stopLine);
        // Skew_Time 6.25 ms plus a margin for two processes on a busy two-core machine.
        Assert.True(handover < TimeSpan.FromMilliseconds(6.25 + 150), $"handover took {handover.TotalMilliseconds} ms");
        Assert.Equal([2], lab.Holders(Vip));
        Assert.False(File.Exists(r1.PidFile));
        Assert.False(File.Exists(r1.ControlSocket));
        Assert.Equal(1, r2.Instance().GetProperty("counters").GetProperty("priority_zero_received").GetInt64());
    }

    /// <summary>The UTC timestamp a log line starts with.</summary>
    internal static DateTime Timestamp(string line) =>
        DateTime.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
}
