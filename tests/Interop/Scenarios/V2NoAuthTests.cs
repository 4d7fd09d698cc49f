using Vrrp.Interop.Tests.Harness;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// VRRPv2 over IPv4 without authentication, as the SEIL router of the setting speaks it:
/// election by priority, failover on a link cut, preemption back, SIGTERM handover.
/// </summary>
public sealed class V2NoAuthTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Election_failover_preemption_and_handover(Impl master, Impl backup)
    {
        var row = new ResultRow { Scenario = "v2 no auth: election, link cut, preempt, SIGTERM", Version = 2, Family = "IPv4", Mode = "multicast", First = master, Second = backup };
        using var lab = InteropLab.Create(row, [master, backup]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 2, AdvertSeconds = 1, Vips = [$"{InteropLab.Vip}/24"] };
            Flows.FailoverCycle(lab, spec with { Priority = 245 }, spec with { Priority = 240 }, InteropLab.Vip);
        });
    }
}
