using Vrrp.Interop.Tests.Harness;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>VRRPv3 over IPv4 at 1 s advertisements, keepalived's checksum (with the pseudo-header): the whole failover cycle.</summary>
public sealed class V3Ipv4OneSecondTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Failover_cycle_at_1_s(Impl master, Impl backup) => V3Ipv4.Run(master, backup, 1);
}

/// <summary>VRRPv3 over IPv4 at 10 ms advertisements (Master_Down_Interval about 31 ms): the whole failover cycle.</summary>
public sealed class V3Ipv4TenMillisecondTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Failover_cycle_at_10_ms(Impl master, Impl backup) => V3Ipv4.Run(master, backup, 0.01);
}

internal static class V3Ipv4
{
    public static void Run(Impl master, Impl backup, double advertSeconds)
    {
        var row = new ResultRow { Scenario = $"v3 IPv4 at {advertSeconds * 1000:0} ms: election, link cut, preempt, SIGTERM", Version = 3, Family = "IPv4", Mode = "multicast", First = master, Second = backup };
        using var lab = InteropLab.Create(row, [master, backup]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 3, AdvertSeconds = advertSeconds, Vips = [$"{InteropLab.Vip}/24"] };
            Flows.FailoverCycle(lab, spec with { Priority = 245 }, spec with { Priority = 240 }, InteropLab.Vip);
            // keepalived 2.2.7 and FRR 8.4 send the RFC 5798 checksum, with the pseudo-header; vrrpd does by default.
            Assert.All(lab.Wire().Adverts(), f => Assert.Equal("pseudo-header", f.Checksum));
        });
    }
}
