using System.Globalization;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// No signal ends a Master behind its back (issue 13.1): each one a process can be sent, other
/// than SIGKILL, SIGSTOP and the fault signals, leaves it running as Master with its address;
/// SIGTERM and SIGINT stop it cleanly (priority 0, address removed); an exception nothing
/// catches, on any thread, stops it the same way and exits 1.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class SignalTests
{
    private const string Vip = FailoverTests.Vip;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    // Every signal 1..64 except SIGINT and SIGTERM (tested below), SIGKILL and SIGSTOP (cannot
    // be caught) and SIGILL, SIGBUS, SIGFPE, SIGSEGV (a real crash; the runtime's).
    public static readonly int[] Survivable = [.. Enumerable.Range(1, 64).Where(s => s is not (2 or 15 or 9 or 19 or 4 or 7 or 8 or 11))];

    private static (DaemonLab Lab, VrrpdProcess R1, VrrpdProcess R2) MasterAndBackup(IDictionary<string, string>? environment = null)
    {
        var lab = new DaemonLab(2);
        // The dump signals write to TMPDIR: the lab's directory, not /tmp.
        var env = new Dictionary<string, string> { ["TMPDIR"] = lab.Directory };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            env[key] = value;
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245), environment: env);
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240), environment: env);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal([1], lab.Holders(Vip));
        return (lab, r1, r2);
    }

    private static long BecameMaster(VrrpdProcess r) => r.Instance().GetProperty("counters").GetProperty("became_master").GetInt64();

    // The Backup took over from r1 because r1 said so (priority 0), and r1's address is gone.
    private static void AssertHandedOver(DaemonLab lab, VrrpdProcess r2, int mark)
    {
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.NotNull(r2.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE (master sent priority 0)", StringComparison.Ordinal), Settle, mark));
        Assert.Equal([2], lab.Holders(Vip));
    }

    [Fact]
    public void Every_other_signal_leaves_the_Master_running_with_its_address_and_SIGTERM_hands_over()
    {
        var (lab, r1, r2) = MasterAndBackup();
        using (lab)
        {
            long masters = BecameMaster(r2);
            foreach (int signal in Survivable)
            {
                Assert.True(r1.Signal(signal.ToString(CultureInfo.InvariantCulture)), $"signal {signal}: vrrpd had exited\n{r1.Output}");
                Thread.Sleep(20);
            }
            // Longer than the Backup's Master_Down_Interval (~0.31 s): a Master that stopped or
            // stalled would have lost its role by now.
            Thread.Sleep(1000);
            Assert.False(r1.HasExited, r1.Output);
            Assert.Equal("MASTER", r1.State());
            Assert.Equal("BACKUP", r2.State());
            Assert.Equal(masters, BecameMaster(r2));
            Assert.Equal([1], lab.Holders(Vip));
            // Each dump signal wrote its file; every other signal left no trace but SIGHUP's reload.
            Assert.All(new[] { "vrrpd.data", "vrrpd.stats", "vrrpd.json" }, f => Assert.True(File.Exists(Path.Combine(lab.Directory, f)), f));
            Assert.NotNull(r1.WaitForLine(l => l.Contains("Reloaded: 1 instances unchanged", StringComparison.Ordinal), Settle));

            int mark = r2.LineCount;
            r1.Signal("TERM");
            Assert.True(r1.WaitForExit(Settle), r1.Output);
            Assert.Equal(0, r1.ExitCode);
            AssertHandedOver(lab, r2, mark);
        }
    }

    [Fact]
    public void SIGINT_stops_like_SIGTERM()
    {
        var (lab, r1, r2) = MasterAndBackup();
        using (lab)
        {
            int mark = r2.LineCount;
            r1.Signal("INT");
            Assert.True(r1.WaitForExit(Settle), r1.Output);
            Assert.Equal(0, r1.ExitCode);
            Assert.Contains(r1.Lines, l => l.Contains("Received SIGINT: stopping", StringComparison.Ordinal));
            AssertHandedOver(lab, r2, mark);
        }
    }

    [Theory]
    [InlineData("thread")]
    [InlineData("pool")]
    [InlineData("task")]
    [InlineData("loop")]
    public void An_unhandled_exception_stops_like_SIGTERM_and_exits_1(string where)
    {
        var (lab, r1, r2) = MasterAndBackup(new Dictionary<string, string> { ["VRRPD_TEST_FAULTS"] = "1" });
        using (lab)
        {
            int mark = r2.LineCount;
            Assert.Equal("ok\n", r1.Request("test-fault " + where));
            Assert.True(r1.WaitForExit(Settle), r1.Output);
            Assert.Equal(1, r1.ExitCode);
            Assert.Contains(r1.Lines, l => l.Contains("Unhandled exception", StringComparison.Ordinal) && l.Contains("stopping as on SIGTERM", StringComparison.Ordinal));
            Assert.Contains(r1.Lines, l => l.Contains("(mape) Stopped (was MASTER)", StringComparison.Ordinal));
            AssertHandedOver(lab, r2, mark);
        }
    }

    [Fact]
    public void The_fault_hook_is_off_without_its_variable()
    {
        var (lab, r1, _) = MasterAndBackup();
        using (lab)
        {
            Assert.StartsWith("error: unknown request", r1.Request("test-fault thread"), StringComparison.Ordinal);
            Thread.Sleep(200);
            Assert.False(r1.HasExited);
            Assert.Equal("MASTER", r1.State());
        }
    }
}
