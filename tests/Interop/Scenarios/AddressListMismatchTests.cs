using Vrrp.Interop.Tests.Harness;
using Vrrpd.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// Mismatched address lists: r1 (priority 245) advertises 10.77.0.4, r2 (240) advertises
/// 10.77.0.4 and 10.77.0.5. What each side does with the other's list decides the outcome:
/// <list type="bullet">
/// <item>keepalived 2.2.7 drops it in both versions ("received an unexpected ip number count"),
/// also with skip_check_adv_addr (it checks every new master's list);</item>
/// <item>vrrpd drops it too by default (keepalived's default), logging and counting it; with
/// <c>skip_check_adv_addr</c> it accepts a VRRPv3 list that differs (RFC 5798 7.1: MAY verify),
/// logging and counting it, but still drops a VRRPv2 one unless the sender owns the addresses
/// (RFC 3768 7.1).</item>
/// </list>
/// So neither hears the other and both are Master (split brain), unless r2, the backup, accepts
/// r1's list: VRRPv3 with vrrpd as r2 and skip_check_adv_addr, the pair then ends with one master.
/// </summary>
public sealed class AddressListMismatchTests
{
    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Mismatched_lists_v2(Impl first, Impl second) => Run(first, second, 2, backupSkipsCheck: false);

    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Mismatched_lists_v3(Impl first, Impl second) => Run(first, second, 3, backupSkipsCheck: false);

    [Theory]
    [InlineData(Impl.Keepalived, Impl.Vrrpd)]
    [InlineData(Impl.Vrrpd, Impl.Vrrpd)]
    public void Mismatched_lists_v3_accepted_by_a_vrrpd_backup(Impl first, Impl second) => Run(first, second, 3, backupSkipsCheck: true);

    private static void Run(Impl first, Impl second, int version, bool backupSkipsCheck)
    {
        bool singleMaster = version == 3 && second == Impl.Vrrpd && backupSkipsCheck;
        var row = new ResultRow
        {
            Scenario = "mismatched address lists: logged, counted, outcome", Version = version, Family = "IPv4",
            Mode = backupSkipsCheck ? "multicast, r2 skip_check_adv_addr" : "multicast",
            First = first, Second = second, FirstRole = "master (1 address)", SecondRole = singleMaster ? "backup (2 addresses)" : "master (2 addresses)",
        };
        using var lab = InteropLab.Create(row, [first, second]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = version, AdvertSeconds = version == 2 ? 1 : 0.1 };
            InstanceSpec high = spec with { Priority = 245, Vips = [$"{InteropLab.Vip}/24"] };
            InstanceSpec low = spec with { Priority = 240, Vips = [$"{InteropLab.Vip}/24", $"{InteropLab.Subnet}.5/24"], SkipCheckAdvAddr = backupSkipsCheck };
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
                ? "one master: r2 (vrrpd, skip_check_adv_addr) accepts r1's list, logs and counts the difference"
                : $"both master (split brain): each drops the other's list{(first == Impl.Vrrpd || second == Impl.Vrrpd ? "; vrrpd logs it and counts it (AddressListMismatch)" : "")}";

            // A backup is silent, so only a router that heard the other can say so.
            if (!singleMaster)
                Rejections.AssertAddressListMismatch(r1, accepted: false, row);
            Rejections.AssertAddressListMismatch(r2, accepted: singleMaster, row);
        });
    }
}
