using System.Diagnostics;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// A reload is read off the event loop: while it is stuck the daemon keeps advertising,
/// answering status and obeying SIGTERM, and a reload that does not finish in time is refused.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class ReloadIsolationTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_reload_stuck_on_a_fifo_include_stalls_nothing_and_is_refused_after_its_deadline()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245));
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        long takeovers = r2.Instance().GetProperty("counters").GetProperty("became_master").GetInt64();

        // An include of a FIFO nobody writes: opening it blocks (before: the loop, forever).
        string fifo = Path.Combine(lab.Directory, "stuck.conf");
        NetnsLab.Run("mkfifo", fifo);
        File.WriteAllText(r1.ConfigFile, FailoverTests.Config(245) + $"\ninclude {fifo}\n");
        int mark = r1.LineCount;
        var clock = Stopwatch.StartNew();
        r1.Signal("HUP");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reloading", StringComparison.Ordinal), Settle, mark));

        // The loop goes on: status answers at once, again and again, and the peer hears adverts.
        for (int i = 0; i < 5; i++)
        {
            var answer = Stopwatch.StartNew();
            Assert.Equal("MASTER", r1.State());
            Assert.True(answer.Elapsed < TimeSpan.FromSeconds(1), $"status took {answer.Elapsed.TotalMilliseconds} ms during the reload");
            Thread.Sleep(500);
        }
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reload refused: reading", StringComparison.Ordinal) && l.Contains("took longer than 10 s", StringComparison.Ordinal), Settle, mark));
        Assert.InRange(clock.Elapsed.TotalSeconds, 9.5, 20);
        Assert.Equal(takeovers, r2.Instance().GetProperty("counters").GetProperty("became_master").GetInt64());
        Assert.Equal("MASTER", r1.State());

        // And it still stops in order: priority 0, address removed, exit 0.
        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(Settle), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(2)), r2.Output);
    }
}
