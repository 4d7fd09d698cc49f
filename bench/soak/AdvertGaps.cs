using System.Globalization;
using Vrrp.Lab;

namespace Vrrp.Bench.Soak;

/// <summary>A silence of the Master on the wire: the arrival that ended it and how long it was.</summary>
internal readonly record struct AdvertGap(DateTime EndedAt, double Milliseconds);

/// <summary>The gaps between r1's VRID 3 advertisements in a capture (read with <c>tcpdump -tt -r</c>).</summary>
internal static class AdvertGaps
{
    public static List<AdvertGap> Read(string pcap)
    {
        var gaps = new List<AdvertGap>();
        DateTime? previous = null;
        foreach (string line in NetnsLab.Run("tcpdump", $"-tt -n -r {pcap}", check: false).Split('\n'))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !double.TryParse(line[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                continue;
            DateTime at = DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
            if (previous is DateTime p) gaps.Add(new AdvertGap(at, (at - p).TotalMilliseconds));
            previous = at;
        }
        return gaps;
    }
}
