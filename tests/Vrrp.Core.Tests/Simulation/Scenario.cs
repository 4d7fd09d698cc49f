using FsCheck;
using FsCheck.Fluent;
using Vrrp.Core.Router;
using Vrrp.Core.Simulation;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Simulation;

/// <summary>One generated router: priority, Preempt_Mode, port delay in microseconds.</summary>
public sealed record RouterSpec(byte Priority, bool Preempt, int DelayMicroseconds);

/// <summary>A fault injected during the faulty phase of a scenario.</summary>
public sealed record FaultStep(int AtPercent, int Kind, int Router, int Other);

/// <summary>A generated scenario: 2-8 routers sharing one version and interval.</summary>
public sealed record Scenario(int Seed, VrrpVersion Version, ushort IntervalCentiseconds, RouterSpec[] Routers, FaultStep[] Faults, int LossPercent)
{
    public TimeSpan Interval => VrrpTiming.FromCentiseconds(IntervalCentiseconds);

    public TimeSpan MaxPairDelay => TimeSpan.FromMicroseconds(2 * Routers.Max(r => r.DelayMicroseconds));

    public static IpAddr AddressOf(int index) => IpAddr.FromV4(0x0A000001u + (uint)index);

    public SimulatedLan Build(bool recordWire = true)
    {
        SimulatedLan lan = new(Seed) { RecordWireEvents = recordWire };
        for (int i = 0; i < Routers.Length; i++)
        {
            RouterSpec spec = Routers[i];
            SimulatedRouter router = lan.Add(new VirtualRouterOptions
            {
                Name = $"r{i + 1}",
                VirtualRouterId = 7,
                Version = Version,
                Priority = spec.Priority,
                AdvertIntervalCentiseconds = IntervalCentiseconds,
                Preempt = spec.Preempt,
                VirtualAddresses = [IpAddr.Parse("10.0.0.254")],
                PrimaryAddress = AddressOf(i),
            });
            router.LinkDelay = TimeSpan.FromMicroseconds(spec.DelayMicroseconds);
            // Odd routers send the RFC 9568 checksum: receivers accept both conventions.
            router.ChecksumConvention = i % 2 == 0 ? ChecksumConvention.PseudoHeader : ChecksumConvention.MessageOnly;
        }
        return lan;
    }

    /// <summary>The best router among <paramref name="candidates"/>: highest priority, then highest address (RFC 5798 6.4.3).</summary>
    public int Best(IEnumerable<int> candidates) =>
        candidates.OrderByDescending(i => Routers[i].Priority).ThenByDescending(i => AddressOf(i)).First();

    public TimeSpan MasterDownInterval(int index) => VrrpTiming.MasterDownInterval(Version, Routers[index].Priority, Interval);

    public override string ToString() =>
        $"seed {Seed}, v{(int)Version}, interval {IntervalCentiseconds} cs, loss {LossPercent}%, routers [{string.Join(", ", Routers.Select((r, i) => $"r{i + 1}:{r.Priority}{(r.Preempt ? "" : ":nopreempt")}:{r.DelayMicroseconds}us"))}], faults [{string.Join(", ", Faults.Select(f => $"{f.AtPercent}%:{f.Kind}:r{f.Router + 1}/r{f.Other + 1}"))}]";
}

/// <summary>FsCheck generators for <see cref="Scenario"/>.</summary>
public static class ScenarioArbitrary
{
    public static Arbitrary<Scenario> Scenarios() => Arb.From(Generate());

    private static Gen<Scenario> Generate() =>
        from version in Gen.Frequency((4, Gen.Constant(VrrpVersion.V3)), (1, Gen.Constant(VrrpVersion.V2)))
        from interval in version == VrrpVersion.V2 ? Gen.Elements<ushort>(100, 200) : Gen.Elements<ushort>(1, 2, 5, 10, 50, 100)
        from count in Gen.Choose(2, 8)
        from priorities in Gen.ArrayOf(Gen.Choose(1, 254), count)
        from owner in Gen.Frequency((5, Gen.Constant(-1)), (1, Gen.Choose(0, count - 1)))
        from preempts in Gen.ArrayOf(Gen.Elements(true, false), count)
        // Port delays up to 1/40 of the interval: far below the interval, sometimes above skew gaps.
        from delays in Gen.ArrayOf(Gen.Choose(0, interval * 10_000 / 40), count)
        from faultCount in Gen.Choose(1, 6)
        from faults in Gen.ArrayOf(
            from at in Gen.Choose(0, 99)
            from kind in Gen.Choose(0, 5)
            from router in Gen.Choose(0, count - 1)
            from other in Gen.Choose(0, count - 1)
            select new FaultStep(at, kind, router, other), faultCount)
        from loss in Gen.Elements(0, 10, 30, 60)
        from seed in Gen.Choose(1, int.MaxValue - 1)
        select new Scenario(seed, version, interval,
            [.. priorities.Select((p, i) => new RouterSpec(i == owner ? (byte)255 : (byte)p, preempts[i], delays[i]))],
            [.. faults.OrderBy(f => f.AtPercent)], loss);
}
