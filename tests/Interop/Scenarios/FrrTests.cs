using Vrrp.Interop.Tests.Harness;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// FRR 8.4's vrrpd as the master: election, a link cut (FRR stays master, cut off, and never
/// removes the address; the peer takes over), the link back (FRR wins again), an
/// administrative shutdown (priority 0) and back, and FRR's vrrpd stopped with SIGTERM
/// (priority 0 too).
/// </summary>
public sealed class FrrMasterTests
{
    [Theory]
    [InlineData(Impl.Vrrpd, 3)]
    [InlineData(Impl.Vrrpd, 2)]
    [InlineData(Impl.Keepalived, 3)]
    [InlineData(Impl.Keepalived, 2)]
    public void Frr_master_against(Impl peer, int version)
    {
        var row = new ResultRow { Scenario = "FRR: election, link cut, link back, SIGTERM", Version = version, Family = "IPv4", Mode = "multicast", First = Impl.Frr, Second = peer };
        using var lab = InteropLab.Create(row, [Impl.Frr, peer]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = version, AdvertSeconds = version == 2 ? 1 : 0.1, Vips = [$"{InteropLab.Vip}/24"] };
            InstanceSpec high = spec with { Priority = 245 }, low = spec with { Priority = 240 };
            var frr = (FrrPeer)lab[0];
            Peer other = lab[1];
            TimeSpan downLow = Timing.MasterDown(version, low.AdvertSeconds, low.Priority);
            TimeSpan slack = TimeSpan.FromSeconds(5);
            // FRR sends no gratuitous ARP when it comes back (see below): the host re-resolves
            // the address once its neighbour entry expires, which these timers make quick.
            NetnsLab.Exec(lab.Host, "sysctl -qw net.ipv4.neigh.eth0.base_reachable_time_ms=1000 net.ipv4.neigh.eth0.delay_first_probe_time=1 net.ipv4.neigh.eth0.ucast_solicit=1");

            row.Outcome = "one master on the LAN at every step (FRR cut off stays master on its own, as FRR does)";
            Flows.Elect(lab, frr, high, other, low, InteropLab.Vip);
            Assert.False(frr.MacvlanProtodown);

            // Link cut: the peer takes over; FRR does not react to the carrier loss and stays master.
            DateTime cut = lab.CutLink(frr);
            lab.WaitForState(other, PeerState.Master, downLow + slack);
            Assert.Equal(PeerState.Master, frr.State);
            Assert.True(frr.VipConfigured(InteropLab.Vip), "FRR removed the virtual address from its macvlan");
            lab.AssertVipOnlyOn(other, InteropLab.Vip);
            lab.AssertHostReaches(InteropLab.Vip, other);

            // Link back: the peer hears FRR's higher priority and steps back.
            DateTime restored = lab.RestoreLink(frr);
            lab.WaitForSingleMaster(frr, slack);
            lab.WaitForState(other, PeerState.Backup, slack);
            lab.AssertVipOnlyOn(frr, InteropLab.Vip);
            TimeSpan reach = lab.AssertHostReaches(InteropLab.Vip, frr, TimeSpan.FromSeconds(20));
            DateTime reached = InteropLab.Mark();
            row.Figures.Add($"host reaches FRR again {reach.TotalSeconds:0.0} s after the peer stepped back: FRR sends no GARP when it regains the LAN, the host re-resolves (its neighbour timers shortened to 1 s)");

            // Administrative shutdown: FRR sends priority 0 (RFC 5798 6.4.3), the peer takes over after Skew_Time.
            DateTime shutdown = InteropLab.Mark();
            frr.Vtysh("configure terminal", "interface eth0", $"vrrp {high.Vrid} shutdown");
            lab.WaitForSingleMaster(other, slack);
            lab.AssertVipOnlyOn(other, InteropLab.Vip);
            lab.AssertHostReaches(InteropLab.Vip, other);

            // Enabled again: FRR starts as Backup and preempts after its Master_Down_Interval.
            // Timed from vtysh's return: FRR is Backup by then, and starting vtysh is not FRR's doing.
            frr.Vtysh("configure terminal", "interface eth0", $"no vrrp {high.Vrid} shutdown");
            DateTime enabled = InteropLab.Mark();
            lab.WaitForSingleMaster(frr, slack);
            lab.AssertVipOnlyOn(frr, InteropLab.Vip);
            lab.AssertHostReaches(InteropLab.Vip, frr);

            // SIGTERM to FRR's vrrpd: priority 0 as well.
            DateTime stop = InteropLab.Mark();
            frr.Stop();
            lab.WaitForState(other, PeerState.Master, slack);
            lab.AssertVipOnlyOn(other, InteropLab.Vip);
            lab.AssertHostReaches(InteropLab.Vip, other);

            WireLog wire = lab.Wire();
            TimeSpan downHigh = Timing.MasterDown(version, high.AdvertSeconds, high.Priority);
            lab.AssertTakeover("link cut", wire.SilentTakeover(frr.Address, other.Address, cut), downLow);
            Assert.DoesNotContain(wire.Frames, f => f.Kind == "garp" && f.SourceMac == frr.VipMac && f.Time > restored && f.Time < reached);
            lab.AssertTakeover("FRR shutdown", wire.PriorityZeroTakeover(frr.Address, other.Address, shutdown), Timing.Skew(version, low.AdvertSeconds, low.Priority));
            lab.AssertTakeover("FRR re-enabled, preempts", wire.FirstAdvert(frr.Address, enabled).Time - enabled, downHigh);
            lab.AssertTakeover("FRR SIGTERM", wire.PriorityZeroTakeover(frr.Address, other.Address, stop), Timing.Skew(version, low.AdvertSeconds, low.Priority));
            Flows.AssertAdverts(wire, high, frr.Address);
            Flows.AssertAdverts(wire, low, other.Address);
        });
    }
}

/// <summary>FRR 8.4's vrrpd as the backup: the whole failover cycle against it, the virtual address on FRR's macvlan (protodown while Backup).</summary>
public sealed class FrrBackupTests
{
    [Theory]
    [InlineData(Impl.Vrrpd, 3)]
    [InlineData(Impl.Vrrpd, 2)]
    [InlineData(Impl.Keepalived, 3)]
    [InlineData(Impl.Keepalived, 2)]
    public void Frr_backup_against(Impl master, int version)
    {
        var row = new ResultRow { Scenario = "FRR: election, link cut, preempt, SIGTERM", Version = version, Family = "IPv4", Mode = "multicast", First = master, Second = Impl.Frr };
        using var lab = InteropLab.Create(row, [master, Impl.Frr]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = version, AdvertSeconds = version == 2 ? 1 : 0.1, Vips = [$"{InteropLab.Vip}/24"] };
            Flows.FailoverCycle(lab, spec with { Priority = 245 }, spec with { Priority = 240 }, InteropLab.Vip);
        });
    }
}
