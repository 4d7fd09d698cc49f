using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Simulation;

/// <summary>
/// Makes a <see cref="FaultSchedule"/> from a seed; the same seed always gives the same schedule.
/// Per seed: 2-4 routers of one VRID, VRRPv2 (IPv4, one whole-second interval for all: RFC 3768
/// 7.1 drops an advertisement whose interval differs) or VRRPv3 (IPv4 or IPv6, intervals that
/// may differ by up to 10x), random priorities (sometimes equal, sometimes an address owner),
/// Preempt_Mode on or off, one tracker each whose weight moves the priority (0: Fault while
/// down). Then a faulty phase of 10-50 of the largest intervals with 2-12 episodes: loss, delay,
/// a partition of one link, a cut router, a kill or graceful stop and restart, an interface down
/// and up, tracker flaps. Every episode ends by itself or at the final heal.
/// </summary>
public static class FaultScheduleGenerator
{
    /// <summary>How many of the largest intervals the run goes on after <see cref="FaultSchedule.ConvergedBy"/> with no transition allowed.</summary>
    public const int StableIntervals = 20;

    private enum Episode { Loss, Delay, Partition, Cut, Kill, Stop, InterfaceDown, TrackerFlap }

    // Relative frequency of each episode, in Episode order.
    private static readonly int[] EpisodeWeights = [2, 2, 2, 1, 2, 2, 2, 3];
    private static readonly double[] LossLevels = [0.1, 0.3, 0.6, 1.0];

    /// <summary>The schedule of <paramref name="seed"/>.</summary>
    public static FaultSchedule Generate(int seed)
    {
        var random = new Random(seed);
        VrrpVersion version = random.Next(4) == 0 ? VrrpVersion.V2 : VrrpVersion.V3;
        IpFamily family = version == VrrpVersion.V3 && random.Next(10) < 3 ? IpFamily.IPv6 : IpFamily.IPv4;
        int count = random.Next(2, 5);
        ushort[] intervals = Intervals(random, version, count);
        TimeSpan smallest = VrrpTiming.FromCentiseconds(intervals.Min());
        TimeSpan unit = VrrpTiming.FromCentiseconds(intervals.Max());
        byte[] priorities = Priorities(random, count);
        byte vrid = (byte)random.Next(1, 256);
        int[] hosts = [.. Enumerable.Range(1, 250).OrderBy(_ => random.Next()).Take(count)];

        var routers = new FaultScheduleRouter[count];
        var largestDelay = new TimeSpan[count];
        for (int i = 0; i < count; i++)
        {
            byte priority = priorities[i];
            bool owner = VirtualRouterOptions.IsOwnerPriority(priority);
            var options = new VirtualRouterOptions
            {
                Name = $"r{i + 1}",
                VirtualRouterId = vrid,
                Version = version,
                Priority = priority,
                AdvertIntervalCentiseconds = intervals[i],
                // The owner always preempts (RFC 5798 6.1); say so rather than rely on Normalize.
                Preempt = owner || random.Next(4) != 0,
                VirtualAddresses = family == IpFamily.IPv4 ? [IpAddr.Parse("10.0.0.254")] : [IpAddr.Parse("fe80::fe"), IpAddr.Parse("2001:db8::fe")],
                PrimaryAddress = family == IpFamily.IPv4 ? IpAddr.FromV4(0x0A000000u + (uint)hosts[i]) : IpAddr.FromV6(0xFE80_0000_0000_0000, (ulong)hosts[i]),
                Trackers = [new TrackerOptions("chk", TrackerWeight(random, priority))],
            };
            TimeSpan baseDelay = random.Next(3) == 0 ? TimeSpan.Zero : Fraction(random, smallest, 1.0 / 40);
            TimeSpan startAt = i == 0 ? TimeSpan.Zero : Fraction(random, unit, 2);
            routers[i] = new FaultScheduleRouter(options, baseDelay, startAt);
            largestDelay[i] = baseDelay;
        }

        TimeSpan faultsFrom = Fraction(random, unit, 6);
        TimeSpan healAt = faultsFrom + unit * 10 + Fraction(random, unit, 40);
        var faults = new List<FaultEvent>();
        int episodes = random.Next(2, 13);
        for (int e = 0; e < episodes; e++)
            AddEpisode(random, faults, routers, largestDelay, smallest, unit, faultsFrom + Fraction(random, healAt - faultsFrom, 1));
        List<FaultEvent> ordered = [.. faults.Where(f => f.At < healAt).OrderBy(f => f.At)];
        ordered.Add(new FaultEvent(healAt, FaultKind.HealAll, -1));

        TimeSpan largestPairDelay = 2 * largestDelay.Max();
        TimeSpan convergedBy = healAt + ConvergenceWindow(routers, largestPairDelay);
        return new FaultSchedule(seed, routers, ordered, healAt, convergedBy, convergedBy + unit * StableIntervals);
    }

    /// <summary>
    /// How long after the heal a single Master must be in place: the largest Master_Down_Interval
    /// any router may be timing (its lowest priority, the largest interval of the LAN, which a
    /// VRRPv3 Backup may have learned), plus one largest interval, plus twice the largest
    /// one-way delay of the run, plus 1 ms.
    /// </summary>
    /// <remarks>
    /// Why each term. After the heal no frame is lost and priorities only change once (at the
    /// heal), so once a Master exists the Master's priority only rises. A Backup that outranks
    /// the Master and preempts discards its advertisements (RFC 5798 6.4.2), so its timer runs
    /// from its last reset, at the latest when the last frame sent before the heal arrives (one
    /// pair delay), and it was set with the priority of that moment: with a tracker down, lower
    /// than after the heal, hence the lowest priority. Its first advertisement makes the old
    /// Master yield one pair delay later. Two Masters of equal priority settle when the one with
    /// the lower address hears the other (RFC 5798 6.4.3): within one more interval. The best
    /// router's own Master_Down_Interval alone is too short (measured: 119 of 20,000 schedules
    /// failed with it): a Backup may have learned a longer interval, a tracker restored at the
    /// heal leaves a timer set at the lower priority, and with Preempt_Mode off the best router
    /// may accept a lower Master that a preempting router in between replaces later.
    /// </remarks>
    public static TimeSpan ConvergenceWindow(IReadOnlyList<FaultScheduleRouter> routers, TimeSpan largestPairDelay)
    {
        ArgumentNullException.ThrowIfNull(routers);
        TimeSpan unit = routers.Max(r => VrrpTiming.FromCentiseconds(r.Options.AdvertIntervalCentiseconds));
        TimeSpan slowest = routers.Max(r => VrrpTiming.MasterDownInterval(r.Options.Version, LowestPriority(r.Options), unit));
        return slowest + unit + 2 * largestPairDelay + TimeSpan.FromMilliseconds(1);
    }

    private static byte LowestPriority(VirtualRouterOptions options)
    {
        if (options.IsAddressOwner) return VirtualRouterOptions.OwnerPriority;
        int weight = options.Trackers.Count > 0 ? options.Trackers[0].Weight : 0;
        return (byte)Math.Clamp(options.Priority + Math.Min(weight, 0), 1, 254);
    }

    private static ushort[] Intervals(Random random, VrrpVersion version, int count)
    {
        // VRRPv2: one whole-second interval for all (RFC 3768 7.1). VRRPv3: a base of 10 ms to
        // 1 s, each router the base or a multiple up to 10x (RFC 5798 6.4.2: Backups learn it).
        if (version == VrrpVersion.V2)
        {
            ushort shared = random.Next(3) == 0 ? (ushort)200 : (ushort)100;
            return [.. Enumerable.Repeat(shared, count)];
        }
        ushort[] bases = [1, 5, 10, 50, 100];
        int[] factors = [1, 1, 1, 2, 3, 10];
        ushort baseInterval = bases[random.Next(bases.Length)];
        var intervals = new ushort[count];
        for (int i = 0; i < count; i++) intervals[i] = (ushort)(baseInterval * factors[random.Next(factors.Length)]);
        return intervals;
    }

    private static byte[] Priorities(Random random, int count)
    {
        int owner = random.Next(5) == 0 ? random.Next(count) : -1;
        var priorities = new byte[count];
        for (int i = 0; i < count; i++)
        {
            if (i == owner) priorities[i] = VirtualRouterOptions.OwnerPriority;
            // Sometimes equal to an earlier router's: the tie-break of RFC 5798 6.4.3 gets exercised.
            else if (i > 0 && random.Next(6) == 0 && priorities[i - 1] != VirtualRouterOptions.OwnerPriority) priorities[i] = priorities[i - 1];
            else priorities[i] = (byte)random.Next(1, 255);
        }
        return priorities;
    }

    // Weight 0 (Fault while down) or a weight that keeps priority + weight within 1..254, so the
    // outcome does not depend on how a sum out of range is clamped.
    private static int TrackerWeight(Random random, byte priority)
    {
        if (random.Next(5) == 0) return 0;
        if (VirtualRouterOptions.IsOwnerPriority(priority)) return random.Next(-50, 51);
        int up = Math.Min(100, 254 - priority);
        int down = Math.Min(100, priority - 1);
        bool positive = (random.Next(2) == 0 && up > 0) || down == 0;
        return positive ? random.Next(1, up + 1) : -random.Next(1, down + 1);
    }

    private static void AddEpisode(Random random, List<FaultEvent> faults, FaultScheduleRouter[] routers, TimeSpan[] largestDelay,
        TimeSpan smallest, TimeSpan unit, TimeSpan at)
    {
        int router = random.Next(routers.Length);
        TimeSpan end = at + TimeSpan.FromTicks(unit.Ticks / 10) + Fraction(random, unit, 10);
        switch (Pick(random))
        {
            case Episode.Loss:
                faults.Add(new FaultEvent(at, FaultKind.Loss, router, Loss: LossLevels[random.Next(LossLevels.Length)]));
                faults.Add(new FaultEvent(end, FaultKind.Loss, router, Loss: 0));
                break;
            case Episode.Delay:
                TimeSpan delay = random.Next(10) < 7 ? Fraction(random, smallest, 0.25) : Fraction(random, smallest, 2);
                largestDelay[router] = delay > largestDelay[router] ? delay : largestDelay[router];
                faults.Add(new FaultEvent(at, FaultKind.Delay, router, Delay: delay));
                faults.Add(new FaultEvent(end, FaultKind.Delay, router, Delay: routers[router].BaseDelay));
                break;
            case Episode.Partition:
                int other = (router + random.Next(1, routers.Length)) % routers.Length;
                faults.Add(new FaultEvent(at, FaultKind.Partition, router, other));
                faults.Add(new FaultEvent(end, FaultKind.HealLink, router, other));
                break;
            case Episode.Cut:
                faults.Add(new FaultEvent(at, FaultKind.Cut, router));
                faults.Add(new FaultEvent(end, FaultKind.Restore, router));
                break;
            case Episode.Kill:
            case Episode.Stop:
                faults.Add(new FaultEvent(at, random.Next(2) == 0 ? FaultKind.Kill : FaultKind.Stop, router));
                faults.Add(new FaultEvent(end, FaultKind.Start, router));
                break;
            case Episode.InterfaceDown:
                faults.Add(new FaultEvent(at, FaultKind.InterfaceDown, router));
                faults.Add(new FaultEvent(end, FaultKind.InterfaceUp, router));
                break;
            default:
                // A flapping script: down, up, down... ending up, each state held 5 % to 2 intervals.
                int flaps = random.Next(1, 7);
                TimeSpan t = at;
                for (int f = 0; f < flaps; f++)
                {
                    faults.Add(new FaultEvent(t, FaultKind.TrackerDown, router));
                    t += TimeSpan.FromTicks(unit.Ticks / 20) + Fraction(random, unit, 2);
                    faults.Add(new FaultEvent(t, FaultKind.TrackerUp, router));
                    t += TimeSpan.FromTicks(unit.Ticks / 20) + Fraction(random, unit, 2);
                }
                break;
        }
    }

    private static Episode Pick(Random random)
    {
        int roll = random.Next(EpisodeWeights.Sum());
        for (int i = 0; i < EpisodeWeights.Length; i++)
        {
            if (roll < EpisodeWeights[i]) return (Episode)i;
            roll -= EpisodeWeights[i];
        }
        return Episode.TrackerFlap;
    }

    // A uniform time in [0, span * factor).
    private static TimeSpan Fraction(Random random, TimeSpan span, double factor)
    {
        long ticks = (long)(span.Ticks * factor);
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(random.NextInt64(ticks));
    }
}
