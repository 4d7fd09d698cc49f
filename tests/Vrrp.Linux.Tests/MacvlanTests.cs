using Vrrp.Core.Wire;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

public class MacvlanTests
{
    private static string Sysctl(string ns, string key) => NetnsLab.Exec(ns, $"sysctl -n {key}").Trim();

    [Fact]
    public void VmacIsCreatedWithTheVirtualMacCarriesAVipAndIsRemoved()
    {
        using var lab = new NetnsLab();
        string a = lab.AddNamespace("a");
        string peer = lab.AddNamespace("peer");
        lab.AddVeth(a, "eth0", peer, "eth0");
        using var node = new Node(a);
        var vmacs = new MacvlanManager(node.Netlink);

        InterfaceInfo vmac = vmacs.Create(node.IfIndex, IpFamily.IPv4, 4);

        string shown = node.Ip("-d link show dev vrrp.4");
        Assert.Contains("vrrp.4@eth0", shown, StringComparison.Ordinal);
        Assert.Contains("link/ether 00:00:5e:00:01:04", shown, StringComparison.Ordinal);
        Assert.Contains("macvlan mode private", shown, StringComparison.Ordinal);
        Assert.Contains("addrgenmode none", shown, StringComparison.Ordinal);
        Assert.True(vmac.State.IsAdminUp);
        Assert.Equal(("macvlan", node.IfIndex), (vmac.Kind, vmac.ParentIndex));
        Assert.Equal("1", Sysctl(a, "net.ipv4.conf.vrrp/4.arp_ignore"));
        Assert.Equal("1", Sysctl(a, "net.ipv4.conf.vrrp/4.accept_local"));
        Assert.Equal("0", Sysctl(a, "net.ipv4.conf.vrrp/4.rp_filter"));
        Assert.Equal("1", Sysctl(a, "net.ipv4.conf.eth0.arp_ignore"));
        Assert.Equal("1", Sysctl(a, "net.ipv4.conf.eth0.arp_filter"));
        Assert.Equal("2", Sysctl(a, "net.ipv4.conf.eth0.arp_announce"));
        Assert.DoesNotContain("inet6", node.Ip("addr show dev vrrp.4"), StringComparison.Ordinal);

        node.Addresses.Add(new VirtualAddress(vmac.Index, IpAddr.Parse("10.4.0.4")));
        Assert.Contains("inet 10.4.0.4/32", node.Ip("addr show dev vrrp.4"), StringComparison.Ordinal);

        vmacs.Delete(vmac.Index);
        Assert.DoesNotContain("vrrp.4", node.Ip("link show"), StringComparison.Ordinal);
        Assert.Equal("0", Sysctl(a, "net.ipv4.conf.eth0.arp_ignore"));
        Assert.Equal("0", Sysctl(a, "net.ipv4.conf.eth0.arp_filter"));
        Assert.Equal("0", Sysctl(a, "net.ipv4.conf.eth0.arp_announce"));
    }

    [Fact]
    public void StaleVmacIsReusedWhenItMatchesAndRecreatedWhenNot()
    {
        using var lab = new NetnsLab();
        string a = lab.AddNamespace("a");
        string peer = lab.AddNamespace("peer");
        lab.AddVeth(a, "eth0", peer, "eth0");
        using var node = new Node(a);

        // Left by a previous run: right name, wrong MAC.
        node.Ip("link add link eth0 name vrrp.7 address 00:00:5e:00:01:99 type macvlan mode private");
        var vmacs = new MacvlanManager(node.Netlink);
        InterfaceInfo first = vmacs.Create(node.IfIndex, IpFamily.IPv6, 7, mode: MacvlanMode.Bridge, addressGeneration: Ipv6AddressGeneration.Random);
        Assert.Equal(MacAddress.VirtualRouter(IpFamily.IPv6, 7), first.Mac);
        Assert.Equal((uint)MacvlanMode.Bridge, first.MacvlanMode);
        Assert.Contains("addrgenmode random", node.Ip("-d link show dev vrrp.7"), StringComparison.Ordinal);

        // Same again: reused, same index.
        InterfaceInfo second = vmacs.Create(node.IfIndex, IpFamily.IPv6, 7, mode: MacvlanMode.Bridge, addressGeneration: Ipv6AddressGeneration.Random);
        Assert.Equal(first.Index, second.Index);

        // A name held by something that is not a macvlan is never taken over.
        NetlinkException e = Assert.Throws<NetlinkException>(() => vmacs.Create(node.IfIndex, IpFamily.IPv4, 9, name: "eth0"));
        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Throws<NetlinkException>(() => vmacs.Delete(node.IfIndex));
        Assert.Contains("eth0", node.Ip("link show dev eth0"), StringComparison.Ordinal);
        vmacs.Delete(second.Index);
    }
}
