using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// The loop's chores on their own timers: once a second the count of rejects not logged, and
/// once after a start or reload the garbage the configuration left.
/// </summary>
internal sealed class Housekeeping(ILogger log, RouterSet routers, List<ReceiveEndpoint> endpoints)
{
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(1);

    // Reading and building a configuration leaves megabytes of garbage that the steady state,
    // which allocates nothing, would never collect. One compacting collection, once the first
    // advertisements are out, gives it back to the kernel: resident memory with 255 instances
    // 13.6 -> 10.8 MB measured (a 5-11 ms pause), with 50 9.9 -> 9.5 MB. Below 1 MB of heap it
    // is left alone: the collector's code, paged in to run, would cost more than it frees
    // (1 instance: 8.6 -> 9.2 MB).
    private static readonly TimeSpan TrimMemoryDelay = TimeSpan.FromMilliseconds(100);
    private const long TrimMemoryMinimumHeap = 1 << 20;

    public Instant SummaryAt { get; private set; } = Instant.Never;
    public Instant TrimMemoryAt { get; private set; } = Instant.Never;

    public Instant Earliest => Instant.Min(SummaryAt, TrimMemoryAt);

    /// <summary>A configuration was just applied: summaries start, and its garbage goes soon.</summary>
    public void ConfigurationApplied(Instant now, bool started)
    {
        if (started)
            SummaryAt = now + SummaryInterval;
        TrimMemoryAt = now + TrimMemoryDelay;
    }

    public void RunDue(Instant now)
    {
        if (SummaryAt <= now)
        {
            SummaryAt = now + SummaryInterval;
            LogSuppressedSummaries(now);
        }
        if (TrimMemoryAt <= now)
        {
            TrimMemoryAt = Instant.Never;
            TrimMemory();
        }
    }

    private void LogSuppressedSummaries(Instant now)
    {
        foreach (ReceiveEndpoint e in endpoints)
        {
            for (int reason = 1; reason < e.ParseLog.Reasons; reason++)
            {
                if (e.ParseLog.TryTakeSummary(reason, now, out long suppressed))
                    HostLog.FramesSuppressed(log, e.LogName, suppressed, ((ParseError)reason).ToString());
            }
        }
        foreach (HostedRouter r in routers.All)
        {
            for (int reason = 1; reason < r.RejectLog.Reasons; reason++)
            {
                if (r.RejectLog.TryTakeSummary(reason, now, out long suppressed))
                    HostLog.AdvertsSuppressed(log, r.Name, suppressed, ((RejectReason)reason).ToString());
            }
        }
    }

    private void TrimMemory()
    {
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        if (heap < TrimMemoryMinimumHeap)
        {
            HostLog.MemoryLeft(log, heap / 1048576.0);
            return;
        }
        long before = Environment.WorkingSet;
        long started = Stopwatch.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        HostLog.MemoryTrimmed(log, heap / 1048576.0, before / 1048576.0, Environment.WorkingSet / 1048576.0, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
