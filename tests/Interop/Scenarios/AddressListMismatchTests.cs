using Vrrp.Interop.Tests.Harness;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// Mismatched address lists: r1 (priority 245) advertises 10.77.0.4, r2 (240) advertises
/// 10.77.0.4 and 10.77.0.5. What each side does with the other's list decides the outcome:
/// <list type="bullet">
/// <item>keepalived 2.2.7 drops it in both versions ("received an unexpected ip number count"),
/// also with skip_check_adv_addr (it checks every new master's list);</item>
/// <item>vrrpd accepts a VRRPv3 list that differs (RFC 5798 7.1: MAY verify), logging and
/// counting it, unless <c>strict_address_check</c>; it drops a VRRPv2 one unless the sender owns
/// the addresses (RFC 3768 7.1), logging and counting that.</item>
/// </list>
/// So in VRRPv3 with vrrpd as r2, the backup, the pair ends with one master. Where the backup
/// drops r1's list (keepalived, VRRPv2, or vrrpd with strict_address_check) it never hears a
/// master and both are Master: the split brain the protocol prescribes for that case.
/// </summary>
public sealed class AddressListMismatchTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Mismatched_lists_v2(Impl first, Impl second) => Run(first, second, 2, strict: false);

    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Mismatched_lists_v3(Impl first, Impl second) => Run(first, second, 3, strict: false);

    [Theory]
    [InlineData(Impl.Keepalived, Impl.Vrrpd)]
    [InlineData(Impl.Vrrpd, Impl.Vrrpd)]
    public void Mismatched_lists_v3_dropped_by_a_strict_vrrpd_backup(Impl first, Impl second) => Run(first, second, 3, strict: true);

    private static void Run(Impl first, Impl second, int version, bool strict)
    {
        // strict_address_check is vrrpd's keyword: given to vrrpd routers only.
        bool firstAccepts = version == 3 && first == Impl.Vrrpd && !strict;
        bool secondAccepts = version == 3 && second == Impl.Vrrpd && !strict;
        bool singleMaster = secondAccepts;
        var row = new ResultRow
        {
            Scenario = "mismatched address lists: logged, counted, outcome", Version = version, Family = "IPv4",
            Mode = strict ? "multicast, vrrpd strict_address_check" : "multicast",
            First = first, Second = second, FirstRole = "master (1 address)", SecondRole = singleMaster ? "backup (2 addresses)" : "master (2 addresses)",
        };
        using var lab = InteropLab.Create(row, [first, second]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = version, AdvertSeconds = version == 2 ? 1 : 0.1 };
            InstanceSpec high = spec with { Priority = 245, Vips = [$"{InteropLab.Vip}/24"], StrictAddressCheck = strict && first == Impl.Vrrpd };
            InstanceSpec low = spec with { Priority = 240, Vips = [$"{InteropLab.Vip}/24", $"{InteropLab.Subnet}.5/24"], StrictAddressCheck = strict && second == Impl.Vrrpd };
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
            row.Outcome = singleMaster
                ? "one master: r2 (vrrpd) accepts r1's list (RFC 5798 7.1), logs and counts the difference"
                : $"both master (split brain): r2 drops r1's list{(version == 2 ? " (RFC 3768 7.1)" : strict ? " (strict_address_check)" : " (keepalived)")}"
                  + (first == Impl.Vrrpd || second == Impl.Vrrpd ? "; vrrpd logs it and counts it" : "");

            // A backup is silent, so only a router that heard the other can say so.
            if (!singleMaster)
                Rejections.AssertAddressListMismatch(r1, accepted: firstAccepts, row);
            Rejections.AssertAddressListMismatch(r2, accepted: secondAccepts, row);
        });
    }
}
