using Vrrp.Interop.Tests.Harness;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>VRRPv2 with <c>auth_type PASS</c> on both sides: the whole failover cycle, the password on every advertisement.</summary>
public sealed class V2AuthTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Pass_authentication_on_both_sides(Impl master, Impl backup)
    {
        var row = new ResultRow { Scenario = "v2 auth PASS: election, link cut, preempt, SIGTERM", Version = 2, Family = "IPv4", Mode = "multicast, PASS", First = master, Second = backup };
        using var lab = InteropLab.Create(row, [master, backup]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 2, AdvertSeconds = 1, AuthPass = "secret1", Vips = [$"{InteropLab.Vip}/24"] };
            Flows.FailoverCycle(lab, spec with { Priority = 245 }, spec with { Priority = 240 }, InteropLab.Vip);
        });
    }
}

/// <summary>
/// VRRPv2 with PASS and a different password on each side: each rejects the other's
/// advertisements (RFC 3768 7.1 "MUST perform authentication"), so neither hears a master and
/// both end up Master with the address: a split brain, which is what the protocol prescribes.
/// </summary>
public sealed class V2WrongPasswordTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void A_wrong_password_is_rejected_and_both_become_master(Impl first, Impl second)
    {
        var row = new ResultRow { Scenario = "v2 auth PASS, wrong password: rejected, both master", Version = 2, Family = "IPv4", Mode = "multicast, PASS", First = first, Second = second, FirstRole = "master", SecondRole = "master" };
        using var lab = InteropLab.Create(row, [first, second]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 2, AdvertSeconds = 1, Vips = [$"{InteropLab.Vip}/24"] };
            Peer r1 = lab[0], r2 = lab[1];
            r1.Start(spec with { Priority = 245, AuthPass = "secret1" });
            r2.Start(spec with { Priority = 240, AuthPass = "wrong" });
            TimeSpan took = NetnsLab.WaitUntil(() => r1.State == PeerState.Master && r2.State == PeerState.Master,
                Flows.ConvergeTimeout(spec with { Priority = 240 }), () => $"both to be master\n{lab.Describe()}");
            // Several advertisement intervals later it is still so: nothing either sends is accepted.
            Thread.Sleep(TimeSpan.FromSeconds(2.5));
            Assert.True(r1.State == PeerState.Master && r2.State == PeerState.Master, lab.Describe());
            Assert.True(r1.HoldsVip(InteropLab.Vip) && r2.HoldsVip(InteropLab.Vip), lab.Describe());
            row.Figures.Add($"both master after {took.TotalSeconds:0.0} s");
            row.Outcome = $"both master (split brain, as RFC 3768 7.1 prescribes): each rejects the other's password{(first == Impl.Vrrpd || second == Impl.Vrrpd ? "; vrrpd logs it and counts it (AuthMismatch)" : "")}";

            foreach (Peer r in lab.Routers)
                Rejections.AssertAuthenticationRejected(r, row);

            WireLog wire = lab.Wire();
            Assert.Contains(wire.Adverts(r1.Address), f => f.AuthPass == "secret1");
            Assert.Contains(wire.Adverts(r2.Address), f => f.AuthPass == "wrong");
        });
    }
}
