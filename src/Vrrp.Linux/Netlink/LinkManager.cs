using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>
/// Interface lookups and link changes over a request <see cref="NetlinkSocket"/> (RTM_GETLINK,
/// RTM_NEWLINK): by name or index, the whole list, admin up/down. Startup and configuration
/// paths; they allocate the results.
/// </summary>
public sealed class LinkManager
{
    private readonly NetlinkSocket _netlink;
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Uses <paramref name="netlink"/> (a socket without groups) for its requests.</summary>
    public LinkManager(NetlinkSocket netlink) => _netlink = netlink ?? throw new ArgumentNullException(nameof(netlink));

    /// <summary>The interface called <paramref name="name"/>, or null if there is none.</summary>
    public InterfaceInfo? Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC });
        writer.WriteAttribute(Rtnl.IFLA_IFNAME, name);
        writer.EndMessage();
        return GetOne(writer.Written, name);
    }

    /// <summary>The interface with index <paramref name="index"/>, or null if there is none.</summary>
    public InterfaceInfo? Find(int index)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index });
        writer.EndMessage();
        return GetOne(writer.Written, $"ifindex {index}");
    }

    /// <summary>The interface called <paramref name="name"/>.</summary>
    /// <exception cref="NetlinkException">There is no such interface (ENODEV).</exception>
    public InterfaceInfo Get(string name) => Find(name) ?? throw new NetlinkException("RTM_GETLINK", $"dev {name}", Errno.ENODEV);

    /// <summary>Every interface of the namespace.</summary>
    public IReadOnlyList<InterfaceInfo> List()
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC });
        writer.EndMessage();
        var result = new List<InterfaceInfo>();
        _netlink.Dump(writer.Written, (in NetlinkMessage m) =>
        {
            if (m.Type == Rtnl.RTM_NEWLINK && InterfaceInfo.Read(m) is { } info) result.Add(info);
        });
        return result;
    }

    /// <summary>Sets the interface administratively up or down (<c>ip link set dev X up|down</c>).</summary>
    /// <exception cref="NetlinkException">The kernel refused.</exception>
    public void SetUp(int index, bool up)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index, Flags = up ? Rtnl.IFF_UP : 0, Change = Rtnl.IFF_UP });
        writer.EndMessage();
        int errno = _netlink.Request(writer.Written);
        if (errno != 0) throw new NetlinkException("RTM_NEWLINK", $"ifindex {index} {(up ? "up" : "down")}", errno, _netlink.LastKernelMessage);
    }

    /// <summary>
    /// An IPv4 per-interface setting (IPV4_DEVCONF_*, as /proc/sys/net/ipv4/conf/IF/...), read
    /// from IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF.
    /// </summary>
    /// <exception cref="NetlinkException">No such interface, or it has no IPv4 configuration.</exception>
    public uint GetIPv4Conf(int index, ushort conf)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_GETLINK, Nl.NLM_F_REQUEST, _netlink.NextSequence());
        writer.WriteHeader(new IfInfoMsg { Family = Sock.AF_UNSPEC, Index = index });
        writer.EndMessage();
        uint? value = null;
        int errno = _netlink.Get(writer.Written, (in NetlinkMessage m) =>
        {
            var attributes = m.Attributes(System.Runtime.CompilerServices.Unsafe.SizeOf<IfInfoMsg>());
            while (attributes.TryRead(out NetlinkAttribute a))
            {
                if (a.Type != Rtnl.IFLA_AF_SPEC) continue;
                var families = a.Nested();
                while (families.TryRead(out NetlinkAttribute f))
                {
                    if (f.Type != Sock.AF_INET) continue;
                    var inet = f.Nested();
                    while (inet.TryRead(out NetlinkAttribute c))
                    {
                        // An array of u32 where entry i is IPV4_DEVCONF_(i+1).
                        int offset = (conf - 1) * 4;
                        if (c.Type == Rtnl.IFLA_INET_CONF && c.Value.Length >= offset + 4)
                            value = System.Runtime.InteropServices.MemoryMarshal.Read<uint>(c.Value[offset..]);
                    }
                }
            }
        });
        if (errno != 0) throw new NetlinkException("RTM_GETLINK", $"ifindex {index} ipv4 conf", errno, _netlink.LastKernelMessage);
        return value ?? throw new NetlinkException("RTM_GETLINK", $"ifindex {index} ipv4 conf {conf}", Errno.ENODATA);
    }

    private InterfaceInfo? GetOne(ReadOnlySpan<byte> request, string subject)
    {
        InterfaceInfo? found = null;
        int errno = _netlink.Get(request, (in NetlinkMessage m) => found = m.Type == Rtnl.RTM_NEWLINK ? InterfaceInfo.Read(m) : null);
        if (errno is Errno.ENODEV) return null;
        if (errno != 0) throw new NetlinkException("RTM_GETLINK", subject, errno, _netlink.LastKernelMessage);
        return found;
    }
}
