using Vrrp.Interop.Tests.Harness;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// VRRPv3 over IPv6 at 100 ms, the first virtual address link-local (RFC 5798 5.2.9): the whole
/// failover cycle, advertisements from the routers' link-local addresses, the host reaching
/// the global virtual address through neighbour discovery.
/// </summary>
public sealed class V3Ipv6Tests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Failover_cycle_over_IPv6(Impl master, Impl backup)
    {
        var row = new ResultRow { Scenario = "v3 IPv6 (link-local first) at 100 ms: election, link cut, preempt, SIGTERM", Version = 3, Family = "IPv6", Mode = "multicast", First = master, Second = backup };
        using var lab = InteropLab.Create(row, [master, backup]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 3, AdvertSeconds = 0.1, Vips = [$"{InteropLab.Vip6LinkLocal}/64", $"{InteropLab.Vip6}/64"] };
            Flows.FailoverCycle(lab, spec with { Priority = 245 }, spec with { Priority = 240 }, InteropLab.Vip6);
            WireLog wire = lab.Wire();
            Assert.All(wire.Adverts(), f =>
            {
                Assert.StartsWith("fe80:", f.Source, StringComparison.Ordinal);
                Assert.Equal("ff02::12", f.Destination);
                Assert.True(Vrrp.Lab.NetnsLab.SameAddress(InteropLab.Vip6LinkLocal, f.Addresses[0]), $"first address {f.Addresses[0]} is not the link-local one");
            });
            // Unsolicited neighbour advertisements announced the address after each takeover.
            Assert.Contains(wire.Frames, f => f.Kind == "na" && f.Addresses.Any(a => Vrrp.Lab.NetnsLab.SameAddress(a, InteropLab.Vip6)));
        });
    }
}
