using Vrrp.Interop.Tests.Harness;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>VRRPv3 over IPv4 at 100 ms with unicast_src_ip / unicast_peer: the whole failover cycle, advertisements addressed to the peer.</summary>
public sealed class V3UnicastTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Failover_cycle_with_unicast_peers(Impl master, Impl backup)
    {
        var row = new ResultRow { Scenario = "v3 unicast at 100 ms: election, link cut, preempt, SIGTERM", Version = 3, Family = "IPv4", Mode = "unicast", First = master, Second = backup };
        using var lab = InteropLab.Create(row, [master, backup]);
        lab.Run(() =>
        {
            string a1 = lab[0].Address, a2 = lab[1].Address;
            var spec = new InstanceSpec { Version = 3, AdvertSeconds = 0.1, Vips = [$"{InteropLab.Vip}/24"] };
            Flows.FailoverCycle(lab,
                spec with { Priority = 245, UnicastSource = a1, UnicastPeers = [a2] },
                spec with { Priority = 240, UnicastSource = a2, UnicastPeers = [a1] },
                InteropLab.Vip);
            WireLog wire = lab.Wire();
            Assert.All(wire.Adverts(a1), f => Assert.Equal(a2, f.Destination));
            Assert.All(wire.Adverts(a2), f => Assert.Equal(a1, f.Destination));
        });
    }
}
