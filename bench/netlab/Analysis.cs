using Vrrp.Core.Wire;

namespace Vrrp.Bench.Netlab;

/// <summary>p50 / p99 / max of a set of intervals, in ms.</summary>
internal readonly record struct Spread(double P50, double P99, double Max, int Count)
{
    public static Spread? Of(List<double> values)
    {
        if (values.Count == 0) return null;
        values.Sort();
        return new Spread(Percentile(values, 0.50), Percentile(values, 0.99), values[^1], values.Count);
    }

    // Nearest rank.
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>What one cut of r1's link showed.</summary>
/// <param name="FirstVipMs">Cut to the first VIP on r2.</param>
/// <param name="LastVipMs">Cut to the last (N-th) VIP on r2; null if not all arrived.</param>
/// <param name="VipsOnR2">How many of the N VIPs arrived on r2.</param>
/// <param name="GapVrid1Ms">VRID 1: r1's last advert to r2's first, as captured in r2.</param>
/// <param name="WorstGapMs">The largest such gap over all VRIDs.</param>
/// <param name="VridsTakenOver">VRIDs for which r2 sent an advert after r1's last.</param>
internal readonly record struct FailoverResult(double FirstVipMs, double? LastVipMs, int VipsOnR2, double? GapVrid1Ms, double? WorstGapMs, int VridsTakenOver);

internal static class Analysis
{
    private const double NsPerMs = 1_000_000.0;

    /// <summary>
    /// Intervals between consecutive adverts of <paramref name="source"/>, for VRID 1 and pooled
    /// over every VRID.
    /// </summary>
    public static (Spread? Vrid1, Spread? All) Jitter(List<WireAdvert> adverts, IpAddr source)
    {
        var last = new long[256];
        var vrid1 = new List<double>();
        var all = new List<double>();
        foreach (WireAdvert a in adverts.Where(a => a.Source == source).OrderBy(a => a.TimeNs))
        {
            if (last[a.Vrid] != 0)
            {
                double ms = (a.TimeNs - last[a.Vrid]) / NsPerMs;
                all.Add(ms);
                if (a.Vrid == 1) vrid1.Add(ms);
            }
            last[a.Vrid] = a.TimeNs;
        }
        return (Spread.Of(vrid1), Spread.Of(all));
    }

    /// <summary>
    /// Per VRID, the time from <paramref name="oldMaster"/>'s last advert to
    /// <paramref name="newMaster"/>'s first one after it (the wire gap of the takeover), in ms.
    /// </summary>
    public static Dictionary<byte, double> WireGaps(List<WireAdvert> adverts, IpAddr oldMaster, IpAddr newMaster)
    {
        var lastOld = new long[256];
        var gaps = new Dictionary<byte, double>();
        foreach (WireAdvert a in adverts.OrderBy(a => a.TimeNs))
        {
            if (a.Source == oldMaster) lastOld[a.Vrid] = a.TimeNs;
            else if (a.Source == newMaster && a.Priority != 0 && lastOld[a.Vrid] != 0 && !gaps.ContainsKey(a.Vrid))
                gaps[a.Vrid] = (a.TimeNs - lastOld[a.Vrid]) / NsPerMs;
        }
        return gaps;
    }

    /// <summary>
    /// Master_Down_Interval of a VRRPv3 Backup (RFC 5798 6.1): 3 × Master_Adver_Interval +
    /// Skew_Time, Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256; in ms.
    /// </summary>
    public static double MasterDownIntervalMs(int priority, int advertCentiseconds)
    {
        double interval = advertCentiseconds * 10.0;
        return 3 * interval + (256 - priority) * interval / 256;
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
