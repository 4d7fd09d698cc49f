using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>macvlan modes (IFLA_MACVLAN_MODE).</summary>
public enum MacvlanMode : uint
{
    /// <summary>No traffic between macvlans of the parent; keepalived's choice for <c>use_vmac</c>.</summary>
    Private = 1,
    /// <summary>Traffic between macvlans goes out and back through the switch.</summary>
    Vepa = 2,
    /// <summary>Macvlans of the parent reach each other directly; what FRR's vrrpd needs.</summary>
    Bridge = 4,
}

/// <summary>How the kernel makes the IPv6 link-local address of a link (IFLA_INET6_ADDR_GEN_MODE).</summary>
public enum Ipv6AddressGeneration : byte
{
    /// <summary>From the MAC (EUI-64), the kernel's default: on a VMAC this would be the same on every router.</summary>
    Eui64 = 0,
    /// <summary>No link-local at all; keepalived's choice (RFC 5798 7.4: the VMAC must not source other traffic).</summary>
    None = 1,
    /// <summary>A random interface identifier (<c>ip link set X addrgenmode random</c>), as FRR setups use.</summary>
    Random = 3,
}

/// <summary>
/// Creates and removes the macvlan interface of <c>use_vmac</c>: <c>vrrp.VRID</c> by default
/// on the parent, with the virtual router MAC 00:00:5e:00:01:VRID (00:00:5e:00:02:VRID for
/// IPv6), private mode as keepalived (bridge for FRR), brought up, the VIPs then go on it.
/// Like keepalived it sets on the macvlan arp_ignore=1, accept_local=1, rp_filter=0,
/// promote_secondaries=1, and on the parent arp_ignore=1 and arp_filter=1, so only the VMAC
/// answers ARP for the VIPs. Beyond keepalived (whose VMAC note leaves it to the operator) it
/// also sets arp_announce=2 on the parent: a reply from a VIP is routed out of the parent, and
/// the ARP request the parent sends to resolve the peer would otherwise carry the VIP as its
/// sender, moving the peer's entry for the VIP from the virtual MAC to the parent's own. All
/// three are restored when the parent's last VMAC is deleted. The IPv6 address
/// generation mode is set with a separate link change: the kernel refuses it in the creating
/// request. A stale VMAC from a previous run is reused when it matches, else recreated; an
/// interface of that name that is not a macvlan is never touched.
/// </summary>
public sealed class MacvlanManager
{
    private readonly NetlinkSocket _netlink;
    private readonly LinkManager _links;
    private readonly byte[] _buffer = new byte[1024];
    private readonly Dictionary<int, (int Users, uint ArpIgnore, uint ArpFilter, uint ArpAnnounce)> _parents = [];

    /// <summary>Uses <paramref name="netlink"/> (a socket without groups) for its requests.</summary>
    public MacvlanManager(NetlinkSocket netlink)
    {
        _netlink = netlink ?? throw new ArgumentNullException(nameof(netlink));
        _links = new LinkManager(netlink);
    }

    /// <summary>The default VMAC name for a VRID, as keepalived: <c>vrrp.VRID</c>.</summary>
    public static string DefaultName(byte vrid) => $"vrrp.{vrid}";

    /// <summary>Creates (or reuses) the VMAC of (<paramref name="family"/>, <paramref name="vrid"/>) on <paramref name="parentIndex"/>, up.</summary>
    /// <exception cref="NetlinkException">The kernel refused, or <paramref name="name"/> is taken by an interface that is not a macvlan.</exception>
    public InterfaceInfo Create(int parentIndex, IpFamily family, byte vrid, string? name = null, MacvlanMode mode = MacvlanMode.Private,
        Ipv6AddressGeneration addressGeneration = Ipv6AddressGeneration.None)
    {
        name ??= DefaultName(vrid);
        MacAddress mac = MacAddress.VirtualRouter(family, vrid);
        InterfaceInfo? existing = _links.Find(name);
        if (existing is not null)
        {
            if (existing.Kind != "macvlan")
                throw new NetlinkException("RTM_NEWLINK", $"{name}: exists and is not a macvlan", Errno.EEXIST);
            bool matches = existing.ParentIndex == parentIndex && existing.Mac == mac && existing.MacvlanMode == (uint)mode;
            if (!matches)
            {
                Delete(existing.Index);
                existing = null;
            }
        }
        if (existing is null)
        {
            var writer = new NetlinkWriter(_buffer);
            writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, _netlink.NextSequence());
            writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC });
            writer.WriteAttribute(Rtnl.IFLA_IFNAME, name);
            writer.WriteAttribute(Rtnl.IFLA_LINK, (uint)parentIndex);
            Span<byte> macBytes = stackalloc byte[MacAddress.Length];
            mac.WriteTo(macBytes);
            writer.WriteAttribute(Rtnl.IFLA_ADDRESS, macBytes);
            int linkInfo = writer.BeginNested(Rtnl.IFLA_LINKINFO);
            writer.WriteAttribute(Rtnl.IFLA_INFO_KIND, "macvlan");
            int data = writer.BeginNested(Rtnl.IFLA_INFO_DATA);
            writer.WriteAttribute(Rtnl.IFLA_MACVLAN_MODE, (uint)mode);
            writer.EndNested(data);
            writer.EndNested(linkInfo);
            writer.EndMessage();
            Check(writer.Written, name);
        }
        InterfaceInfo created = _links.Get(name);
        SetAddressGeneration(created.Index, addressGeneration, name);
        SetIPv4Conf(created.Index, name,
            (Rtnl.IPV4_DEVCONF_ARP_IGNORE, 1u), (Rtnl.IPV4_DEVCONF_ACCEPT_LOCAL, 1u),
            (Rtnl.IPV4_DEVCONF_RP_FILTER, 0u), (Rtnl.IPV4_DEVCONF_PROMOTE_SECONDARIES, 1u));
        ClaimParent(parentIndex);
        _links.SetUp(created.Index, true);
        return _links.Get(name);
    }

    /// <summary>Deletes a VMAC (only a macvlan; anything else is refused) and restores its parent's ARP settings when it was the last.</summary>
    /// <exception cref="NetlinkException">The kernel refused, or the interface is not a macvlan.</exception>
    public void Delete(int index)
    {
        InterfaceInfo info = _links.Find(index) ?? throw new NetlinkException("RTM_DELLINK", $"ifindex {index}", Errno.ENODEV);
        if (info.Kind != "macvlan") throw new NetlinkException("RTM_DELLINK", $"{info.Name}: not a macvlan", Errno.EINVAL);
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_DELLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index });
        writer.EndMessage();
        Check(writer.Written, info.Name, "RTM_DELLINK");
        ReleaseParent(info.ParentIndex);
    }

    private void ClaimParent(int parentIndex)
    {
        if (_parents.TryGetValue(parentIndex, out var parent))
        {
            _parents[parentIndex] = parent with { Users = parent.Users + 1 };
            return;
        }
        uint arpIgnore = _links.GetIPv4Conf(parentIndex, Rtnl.IPV4_DEVCONF_ARP_IGNORE);
        uint arpFilter = _links.GetIPv4Conf(parentIndex, Rtnl.IPV4_DEVCONF_ARPFILTER);
        uint arpAnnounce = _links.GetIPv4Conf(parentIndex, Rtnl.IPV4_DEVCONF_ARP_ANNOUNCE);
        SetIPv4Conf(parentIndex, $"ifindex {parentIndex}", (Rtnl.IPV4_DEVCONF_ARP_IGNORE, 1u), (Rtnl.IPV4_DEVCONF_ARPFILTER, 1u), (Rtnl.IPV4_DEVCONF_ARP_ANNOUNCE, 2u));
        _parents[parentIndex] = (1, arpIgnore, arpFilter, arpAnnounce);
    }

    private void ReleaseParent(int parentIndex)
    {
        if (!_parents.TryGetValue(parentIndex, out var parent)) return;
        if (parent.Users > 1)
        {
            _parents[parentIndex] = parent with { Users = parent.Users - 1 };
            return;
        }
        _parents.Remove(parentIndex);
        SetIPv4Conf(parentIndex, $"ifindex {parentIndex}", (Rtnl.IPV4_DEVCONF_ARP_IGNORE, parent.ArpIgnore), (Rtnl.IPV4_DEVCONF_ARPFILTER, parent.ArpFilter),
            (Rtnl.IPV4_DEVCONF_ARP_ANNOUNCE, parent.ArpAnnounce));
    }

    private void SetAddressGeneration(int index, Ipv6AddressGeneration mode, string name)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index });
        int spec = writer.BeginNested(Rtnl.IFLA_AF_SPEC);
        int inet6 = writer.BeginNested(Sock.AF_INET6);
        writer.WriteAttribute(Rtnl.IFLA_INET6_ADDR_GEN_MODE, (byte)mode);
        writer.EndNested(inet6);
        writer.EndNested(spec);
        writer.EndMessage();
        Check(writer.Written, $"{name} addrgenmode {mode}");
    }

    private void SetIPv4Conf(int index, string name, params ReadOnlySpan<(ushort Conf, uint Value)> settings)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index });
        int spec = writer.BeginNested(Rtnl.IFLA_AF_SPEC);
        int inet = writer.BeginNested(Sock.AF_INET);
        int conf = writer.BeginNested(Rtnl.IFLA_INET_CONF);
        foreach ((ushort c, uint value) in settings) writer.WriteAttribute(c, value);
        writer.EndNested(conf);
        writer.EndNested(inet);
        writer.EndNested(spec);
        writer.EndMessage();
        Check(writer.Written, $"{name} ipv4 conf");
    }

    private void Check(ReadOnlySpan<byte> request, string subject, string operation = "RTM_NEWLINK")
    {
        int errno = _netlink.Request(request);
        if (errno != 0) throw new NetlinkException(operation, subject, errno, _netlink.LastKernelMessage);
    }
}
