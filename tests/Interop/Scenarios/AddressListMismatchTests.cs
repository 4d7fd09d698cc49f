using Vrrp.Interop.Tests.Harness;
using Vrrpd.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// Mismatched address lists: r1 (priority 245) advertises 10.77.0.4, r2 (240) advertises
/// 10.77.0.4 and 10.77.0.5. What each side does with the other's list decides the outcome:
/// <list type="bullet">
/// <item>keepalived 2.2.7 drops it in both versions ("received an unexpected ip number count")
/// and counts it, so a keepalived router never hears the other and stays or becomes Master;</item>
/// <item>vrrpd drops it in VRRPv2 unless the sender owns the addresses (RFC 3768 7.1), and in
/// VRRPv3 accepts it (RFC 5798 7.1 says MAY verify), logging and counting it.</item>
/// </list>
/// So the pair ends with one master exactly when r2 (the backup) accepts r1's list: VRRPv3 with
/// vrrpd as r2. Otherwise both are Master, and the test asserts that too.
/// </summary>
public sealed class AddressListMismatchTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Mismatched_lists_v2(Impl first, Impl second) => Run(first, second, 2);

    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Mismatched_lists_v3(Impl first, Impl second) => Run(first, second, 3);

    private static bool Accepts(Impl receiver, int version) => receiver == Impl.Vrrpd && version == 3;

    private static void Run(Impl first, Impl second, int version)
    {
        bool singleMaster = Accepts(second, version);
        var row = new ResultRow
        {
            Scenario = "mismatched address lists: logged, counted, outcome", Version = version, Family = "IPv4", Mode = "multicast",
            First = first, Second = second, FirstRole = "master (1 address)", SecondRole = singleMaster ? "backup (2 addresses)" : "master (2 addresses)",
        };
        using var lab = InteropLab.Create(row, [first, second]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = version, AdvertSeconds = version == 2 ? 1 : 0.1 };
            InstanceSpec high = spec with { Priority = 245, Vips = [$"{InteropLab.Vip}/24"] };
            InstanceSpec low = spec with { Priority = 240, Vips = [$"{InteropLab.Vip}/24", $"{InteropLab.Subnet}.5/24"] };
            Peer r1 = lab[0], r2 = lab[1];
            r2.Start(low);
            r1.Start(high);
            TimeSpan timeout = Flows.ConvergeTimeout(low);
            if (singleMaster)
            {
                lab.WaitForSingleMaster(r1, timeout);
                lab.WaitForState(r2, PeerState.Backup, TimeSpan.FromSeconds(5));
                lab.AssertVipOnlyOn(r1, InteropLab.Vip);
                Assert.False(lab.Routers.Any(r => r.HoldsVip($"{InteropLab.Subnet}.5")), lab.Describe());
                lab.AssertHostReaches(InteropLab.Vip, r1);
            }
            else
            {
                NetnsLab.WaitUntil(() => r1.State == PeerState.Master && r2.State == PeerState.Master, timeout, () => $"both to be master\n{lab.Describe()}");
            }
            // Three Master_Down_Intervals later nothing has changed.
            Thread.Sleep(3 * Timing.MasterDown(version, spec.AdvertSeconds, 240));
            Assert.Equal(PeerState.Master, r1.State);
            Assert.Equal(singleMaster ? PeerState.Backup : PeerState.Master, r2.State);
            row.Figures.Add(singleMaster ? "one master" : "both master (split brain)");

            Rejections.AssertAddressListMismatch(r1, version, row);
            Rejections.AssertAddressListMismatch(r2, version, row);
        });
    }
}
