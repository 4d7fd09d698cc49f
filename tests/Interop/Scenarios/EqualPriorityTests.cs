using Vrrp.Interop.Tests.Harness;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// Equal priorities (200 both). Two masters that meet resolve to the one with the higher
/// primary address (RFC 5798 6.4.3); two masters are made by taking one router off the bridge
/// (it keeps its carrier, so it becomes master alone) and putting it back. A Backup hearing an
/// equal priority never preempts (6.4.2), whatever the addresses.
/// </summary>
public sealed class EqualPriorityTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void The_higher_address_wins(Impl higherAddress, Impl lowerAddress)
    {
        var row = new ResultRow { Scenario = "equal priorities: higher address wins, no preemption by equals", Version = 3, Family = "IPv4", Mode = "multicast", First = higherAddress, Second = lowerAddress, FirstRole = "higher address", SecondRole = "lower address" };
        using var lab = InteropLab.Create(row, [higherAddress, lowerAddress], [$"{InteropLab.Subnet}.20", $"{InteropLab.Subnet}.10"]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 3, AdvertSeconds = 0.1, Priority = 200, Vips = [$"{InteropLab.Vip}/24"] };
            Peer r1 = lab[0], r2 = lab[1];
            TimeSpan slack = TimeSpan.FromSeconds(5);

            // r1 (higher address) alone, r2 alone: both master; together: r1 stays, r2 yields.
            lab.Isolate(r1);
            r1.Start(spec);
            r2.Start(spec);
            NetnsLab.WaitUntil(() => r1.State == PeerState.Master && r2.State == PeerState.Master, Flows.ConvergeTimeout(spec), () => $"both to be master\n{lab.Describe()}");
            lab.Rejoin(r1);
            lab.WaitForSingleMaster(r1, slack);
            lab.WaitForState(r2, PeerState.Backup, slack);
            lab.AssertVipOnlyOn(r1, InteropLab.Vip);
            row.Figures.Add($"r1 back on the LAN: host at r1 after {lab.AssertHostReaches(InteropLab.Vip, r1).TotalSeconds:0.0} s");

            // The same with the lower address as the one that was away.
            lab.Isolate(r2);
            lab.WaitForState(r2, PeerState.Master, slack);
            lab.Rejoin(r2);
            lab.WaitForSingleMaster(r1, slack);
            lab.WaitForState(r2, PeerState.Backup, slack);
            lab.AssertVipOnlyOn(r1, InteropLab.Vip);
            row.Figures.Add($"r2 back on the LAN: host at r1 after {lab.AssertHostReaches(InteropLab.Vip, r1).TotalSeconds:0.0} s");

            // r1 stops: r2 takes over after Skew_Time. r1 starts again as Backup: same priority, so it stays Backup.
            DateTime stop = InteropLab.Mark();
            r1.Stop();
            lab.WaitForSingleMaster(r2, slack);
            lab.AssertHostReaches(InteropLab.Vip, r2);
            r1.Start(spec);
            lab.WaitForState(r1, PeerState.Backup, TimeSpan.FromSeconds(10));
            Thread.Sleep(TimeSpan.FromSeconds(1)); // ten advertisement intervals
            lab.AssertSingleMaster(r2);
            lab.AssertVipOnlyOn(r2, InteropLab.Vip);
            lab.AssertHostReaches(InteropLab.Vip, r2);
            row.Outcome = "one master: the higher address wins when two masters meet; an equal priority never preempts";

            WireLog wire = lab.Wire();
            lab.AssertTakeover("SIGTERM", wire.PriorityZeroTakeover(r1.Address, r2.Address, stop), Timing.Skew(3, spec.AdvertSeconds, spec.Priority));
            Flows.AssertAdverts(wire, spec, r1.Address);
            Flows.AssertAdverts(wire, spec, r2.Address);
        });
    }
}
