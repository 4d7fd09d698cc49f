using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux;
using Vrrp.Keepalived;
using Vrrpd.Host;
using Vrrpd.Logging;
using Vrrpd.Scripts;
using Xunit.Abstractions;

namespace vrrpd.Tests.Host;

/// <summary>
/// The daemon's loop in process, in two namespaces: a Master advertising every 50 ms and a
/// Backup receiving, each on its own thread. Once settled, receive, parse, handle, send and
/// timers allocate nothing on either loop thread. (50 ms rather than 10 ms: on a loaded
/// two-core machine a thread can be descheduled for 30 ms, and the flap that follows logs,
/// which allocates; the loop's work per advert is the same.)
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class SteadyStateAllocationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1.5), Measured = TimeSpan.FromSeconds(2);

    private sealed record LoopResult(long Allocated, long Iterations, long AdvertsSent, long AdvertsReceived, long Transitions, string State, string Log);

    [Fact]
    public void Master_and_backup_loops_allocate_nothing_in_steady_state()
    {
        using var lab = new DaemonLab(2);
        var results = new LoopResult[2];
        using var ready = new Barrier(2);
        using var measure = new Barrier(2);
        var threads = new Thread[2];
        for (int i = 0; i < 2; i++)
        {
            int n = i;
            threads[i] = new Thread(() => results[n] = RunLoop(lab, n, ready, measure)) { IsBackground = true };
            threads[i].Start();
        }
        foreach (Thread t in threads)
            Assert.True(t.Join(TimeSpan.FromSeconds(30)));

        LoopResult master = results[0], backup = results[1];
        output.WriteLine($"master: {master.Iterations} iterations, {master.AdvertsSent} adverts sent, {master.Allocated} B");
        output.WriteLine($"backup: {backup.Iterations} iterations, {backup.AdvertsReceived} adverts received, {backup.Allocated} B");
        Assert.True(master.State == "Master", master.Log);
        Assert.True(backup.State == "Backup", backup.Log);
        // 50 ms adverts for 2 s: about 40 each way, so the loops really ran, and no transition
        // in the window (a transition logs, which is not the steady state).
        Assert.InRange(master.AdvertsSent, 30, 50);
        Assert.InRange(backup.AdvertsReceived, 30, 50);
        Assert.True(master.Transitions == 0 && backup.Transitions == 0, master.Log + backup.Log);
        Assert.Equal(0, master.Allocated);
        Assert.Equal(0, backup.Allocated);
    }

    private static LoopResult RunLoop(DaemonLab lab, int index, Barrier ready, Barrier measure)
    {
        string config = $$"""
            vrrp_instance mape {
                interface eth0
                virtual_router_id 4
                priority {{(index == 0 ? 245 : 240)}}
                version 3
                advert_int 0.05
                track_interface {
                    lo
                }
                virtual_ipaddress {
                    10.9.0.100/24
                }
            }
            """;
        KeepalivedConfig parsed = ConfigLoader.LoadText(config).Config ?? throw new InvalidOperationException("config");
        var log = new StringWriter();
        var logger = new LineLogger(TextWriter.Synchronized(log), LogLevel.Information, journal: false);
        LoopResult result = null!;
        NetworkNamespace.Run(lab.Members[index], () =>
        {
            using var host = new VrrpHost("keepalived.conf", new ConfigLoadOptions(), logger, new NotificationSink(logger), new TrackScriptSource(logger));
            host.Start(parsed);
            ready.SignalAndWait();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Warmup)
                host.RunOnce(20);
            RouterHost router = host.Routers.Single();
            RouterCounters counters = router.Router.Counters;
            long sent = counters.AdvertisementsSent, received = counters.AdvertisementsReceived, transitions = counters.BecameMaster + counters.ReleasedMaster;
            long iterations = host.Iterations;
            measure.SignalAndWait();
            long before = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            while (clock.Elapsed < Measured)
                host.RunOnce(20);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            result = new LoopResult(allocated, host.Iterations - iterations, counters.AdvertisementsSent - sent, counters.AdvertisementsReceived - received,
                counters.BecameMaster + counters.ReleasedMaster - transitions, router.Router.State.ToString(), log.ToString());
            host.Shutdown();
        });
        return result;
    }
}
