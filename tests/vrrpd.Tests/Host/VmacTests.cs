using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// use_vmac end to end: two vrrpd processes and a host on a LAN of namespaces. The Master's
/// virtual address sits on a macvlan with the virtual MAC (RFC 5798 7.3), the host resolves it
/// to that MAC on both routers in turn, and the macvlan is gone after a clean stop.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class VmacTests
{
    private const string Vip = "10.9.0.100";
    private const string VirtualMac = "00:00:5e:00:01:04";
    private const string VmacName = "vrrp.4";

    private static string Config(int priority) => FailoverTests.Config(priority, "use_vmac", "0.1").Replace(FailoverTests.Vip, Vip + "/24", StringComparison.Ordinal);

    [Fact]
    public void The_virtual_address_lives_on_a_macvlan_with_the_virtual_mac_and_moves_with_the_master()
    {
        using var lab = new DaemonLab(3);
        string host = lab.Members[2];
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));

        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", TimeSpan.FromSeconds(10)), r2.Output);

        // Both routers made the macvlan (a Backup keeps it ready, without the address).
        Assert.Equal(VirtualMac, NetnsLab.Mac(lab.Members[0], VmacName));
        Assert.Equal(VirtualMac, NetnsLab.Mac(lab.Members[1], VmacName));
        Assert.Equal([VmacName], OnWhichInterfaces(lab.Members[0]));
        Assert.Empty(OnWhichInterfaces(lab.Members[1]));

        // The host reaches the address at the virtual MAC, not at r1's own.
        Assert.True(NetnsLab.Ping(host, Vip, count: 3) >= 2, "host cannot reach the address on r1's macvlan");
        Assert.Equal(VirtualMac, NetnsLab.Neighbour(host, Vip)?.Mac);

        // r1's cable pulled: r2 takes over; the address moves to r2's macvlan, same MAC, so the
        // host's entry stays right and it reaches the address through r2.
        lab.SetCable(1, up: false);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(3)), r2.Output);
        Assert.Equal([VmacName], OnWhichInterfaces(lab.Members[1]));
        NetnsLab.WaitUntil(() => NetnsLab.Ping(host, Vip, count: 1, waitSeconds: 0.5) == 1, TimeSpan.FromSeconds(5), "host reaching the address on r2");
        Assert.Equal(VirtualMac, NetnsLab.Neighbour(host, Vip)?.Mac);

        // A clean stop removes the address and the macvlan.
        lab.SetCable(1, up: true);
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        foreach (VrrpdProcess d in new[] { r1, r2 })
        {
            d.Signal("TERM");
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(10)), d.Output);
            Assert.Equal(0, d.ExitCode);
        }
        foreach (string ns in lab.Members[..2])
        {
            Assert.DoesNotContain(VmacName, NetnsLab.Ip($"-n {ns} -o link show"), StringComparison.Ordinal);
            Assert.Empty(OnWhichInterfaces(ns));
        }
    }

    private static List<string> OnWhichInterfaces(string ns) =>
        [.. NetnsLab.Addresses(ns).Where(a => a.Address == Vip).Select(a => a.Interface)];
}
