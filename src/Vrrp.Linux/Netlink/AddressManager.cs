using System.Runtime.CompilerServices;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>
/// A virtual address to put on an interface, as keepalived's <c>virtual_ipaddress</c> lines
/// describe it: <c>ADDRESS[/PREFIX] [brd BROADCAST] [dev IFNAME] [scope SCOPE] [label LABEL]</c>.
/// Without a prefix IPv4 is /32 and IPv6 /128, as keepalived does.
/// </summary>
/// <param name="IfIndex">Interface index.</param>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">Prefix length (0: the default, /32 or /128).</param>
/// <param name="Scope">RT_SCOPE_* (0: global; 253 link; 254 host). IPv4 only, as keepalived.</param>
/// <param name="Label">IPv4 label (<c>eth0:1</c>), or null.</param>
/// <param name="Broadcast">IPv4 broadcast address, or default for none.</param>
public readonly record struct VirtualAddress(int IfIndex, IpAddr Address, byte PrefixLength = 0, byte Scope = 0, string? Label = null, IpAddr Broadcast = default)
{
    /// <summary>The prefix length actually used.</summary>
    public byte EffectivePrefixLength => PrefixLength != 0 ? PrefixLength : (byte)(Address.IsIPv6 ? 128 : 32);

    /// <summary>"192.168.1.4/32 dev ifindex 2" (allocates; for messages).</summary>
    public string Describe(string? interfaceName = null) =>
        $"{Address}/{EffectivePrefixLength} dev {interfaceName ?? $"ifindex {IfIndex}"}";
}

/// <summary>An address found on an interface.</summary>
/// <param name="IfIndex">Interface index.</param>
/// <param name="Address">The local address (IFA_LOCAL, else IFA_ADDRESS).</param>
/// <param name="PrefixLength">Prefix length.</param>
/// <param name="Scope">RT_SCOPE_*.</param>
/// <param name="Flags">IFA_F_* (IFA_FLAGS when present, else <c>ifa_flags</c>).</param>
/// <param name="Protocol">IFA_PROTO: who added it (0 unknown; <see cref="AddressManager.ProtocolTag"/> for ours).</param>
public readonly record struct InterfaceAddress(int IfIndex, IpAddr Address, byte PrefixLength, byte Scope, uint Flags, byte Protocol)
{
    /// <summary>A secondary IPv4 address (IFA_F_SECONDARY).</summary>
    public bool IsSecondary => (Flags & Rtnl.IFA_F_SECONDARY) != 0;

    /// <summary>IPv6 DAD has not finished (IFA_F_TENTATIVE) or failed (IFA_F_DADFAILED).</summary>
    public bool IsTentative => (Flags & (Rtnl.IFA_F_TENTATIVE | Rtnl.IFA_F_DADFAILED)) != 0;

    /// <summary>Reads an RTM_NEWADDR / RTM_DELADDR message without allocating; false if malformed or without an address.</summary>
    public static bool TryRead(in NetlinkMessage message, out InterfaceAddress address)
    {
        address = default;
        if (!message.TryReadHeader(out IfAddrMsg header)) return false;
        IpAddr local = default, peer = default;
        uint flags = header.Flags;
        byte protocol = 0;
        var attributes = message.Attributes(Unsafe.SizeOf<IfAddrMsg>());
        while (attributes.TryRead(out NetlinkAttribute a))
        {
            switch (a.Type)
            {
                case Rtnl.IFA_LOCAL: a.TryGetAddress(out local); break;
                case Rtnl.IFA_ADDRESS: a.TryGetAddress(out peer); break;
                case Rtnl.IFA_FLAGS: flags = a.AsUInt32(); break;
                case Rtnl.IFA_PROTO: protocol = a.AsByte(); break;
            }
        }
        IpAddr chosen = local.Family != IpFamily.None ? local : peer;
        if (chosen.Family == IpFamily.None || attributes.IsMalformed) return false;
        address = new InterfaceAddress(header.Index, chosen, header.PrefixLength, header.Scope, flags, protocol);
        return true;
    }
}

/// <summary>
/// Adds and removes virtual addresses over a request <see cref="NetlinkSocket"/>
/// (RTM_NEWADDR / RTM_DELADDR), one at a time or many in one batch (one send, ACKs collected
/// together: a failover moving 255 VIPs is a few system calls). Our addresses carry
/// IFA_PROTO = <see cref="ProtocolTag"/> (kernel 6.3 and later) so a later run recognizes and
/// removes what an earlier one left behind. IPv6 addresses are added without DAD
/// (IFA_F_NODAD), and a /128 one deprecated (preferred lifetime 0) so it is never chosen as a
/// source address, as keepalived does.
/// </summary>
public sealed class AddressManager
{
    /// <summary>The IFA_PROTO value marking addresses added by vrrpd: 112, VRRP's protocol number.</summary>
    public const byte ProtocolTag = 112;

    // Messages per request buffer fill; each is at most ~130 bytes.
    private const int ChunkSize = 256;
    private readonly NetlinkSocket _netlink;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly int[] _errnos = new int[ChunkSize];

    /// <summary>Uses <paramref name="netlink"/> (a socket without groups) for its requests.</summary>
    public AddressManager(NetlinkSocket netlink) => _netlink = netlink ?? throw new ArgumentNullException(nameof(netlink));

    /// <summary>Adds one address.</summary>
    /// <exception cref="NetlinkException">The kernel refused (EEXIST if present, ENODEV, ...).</exception>
    public void Add(in VirtualAddress address) => Single(address, add: true);

    /// <summary>Removes one address.</summary>
    /// <exception cref="NetlinkException">The kernel refused (EADDRNOTAVAIL if absent, ...).</exception>
    public void Remove(in VirtualAddress address) => Single(address, add: false);

    /// <summary>
    /// Adds every address in as few system calls as possible. <paramref name="errnos"/>[i] gets
    /// 0 or the errno for address i (EEXIST: it was already there); returns the number of
    /// failures. Use <see cref="Error"/> to turn a failure into a message.
    /// </summary>
    public int Add(ReadOnlySpan<VirtualAddress> addresses, Span<int> errnos) => Batch(addresses, errnos, add: true);

    /// <summary>Removes every address in as few system calls as possible; like <see cref="Add(ReadOnlySpan{VirtualAddress}, Span{int})"/>.</summary>
    public int Remove(ReadOnlySpan<VirtualAddress> addresses, Span<int> errnos) => Batch(addresses, errnos, add: false);

    /// <summary>The exception describing a failed add or remove of <paramref name="address"/>.</summary>
    public static NetlinkException Error(in VirtualAddress address, bool add, int errno, string? interfaceName = null, string? kernelMessage = null) =>
        new(add ? "RTM_NEWADDR" : "RTM_DELADDR", address.Describe(interfaceName), errno, kernelMessage);

    /// <summary>The addresses of one interface (<paramref name="ifIndex"/> &gt; 0) or of all, of one family or both.</summary>
    public List<InterfaceAddress> List(int ifIndex = 0, IpFamily family = IpFamily.None)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtnl.RTM_GETADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, _netlink.NextSequence());
        writer.WriteHeader(new IfAddrMsg { Family = FamilyCode(family) });
        writer.EndMessage();
        var result = new List<InterfaceAddress>();
        _netlink.Dump(writer.Written, (in NetlinkMessage m) =>
        {
            if (m.Type == Rtnl.RTM_NEWADDR && InterfaceAddress.TryRead(m, out InterfaceAddress a) && (ifIndex == 0 || a.IfIndex == ifIndex))
                result.Add(a);
        });
        return result;
    }

    /// <summary>
    /// The IPv6 link-local address of an interface, the source of VRRPv3 over IPv6
    /// (RFC 5798 5.1.2.1): the first one whose DAD is done, else the first at all; null if none.
    /// </summary>
    public IpAddr? GetIPv6LinkLocal(int ifIndex)
    {
        IpAddr? tentative = null;
        foreach (InterfaceAddress a in List(ifIndex, IpFamily.IPv6))
        {
            if (!a.Address.IsIPv6LinkLocal) continue;
            if (!a.IsTentative) return a.Address;
            tentative ??= a.Address;
        }
        return tentative;
    }

    /// <summary>
    /// The primary IPv4 address of an interface, the source of VRRP over IPv4 (RFC 5798
    /// 5.1.1.1): the first address that is not secondary and not one of ours; null if none.
    /// </summary>
    public IpAddr? GetPrimaryIPv4(int ifIndex)
    {
        foreach (InterfaceAddress a in List(ifIndex, IpFamily.IPv4))
            if (!a.IsSecondary && a.Protocol != ProtocolTag) return a.Address;
        return null;
    }

    /// <summary>
    /// Startup cleanup: removes every address tagged as ours (a previous run that died left it)
    /// and every address that exactly matches one of <paramref name="configured"/> (address,
    /// prefix and interface: kernels without IFA_PROTO, or a run of keepalived before us).
    /// Returns what was removed, for the log.
    /// </summary>
    public List<InterfaceAddress> RemoveLeftovers(ReadOnlySpan<VirtualAddress> configured)
    {
        var removed = new List<InterfaceAddress>();
        var stale = new List<VirtualAddress>();
        foreach (InterfaceAddress a in List())
        {
            bool ours = a.Protocol == ProtocolTag;
            foreach (VirtualAddress c in configured)
                ours |= c.IfIndex == a.IfIndex && c.Address == a.Address && c.EffectivePrefixLength == a.PrefixLength;
            if (!ours) continue;
            removed.Add(a);
            stale.Add(new VirtualAddress(a.IfIndex, a.Address, a.PrefixLength, a.Scope));
        }
        var errnos = new int[stale.Count];
        Remove(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stale), errnos);
        for (int i = errnos.Length - 1; i >= 0; i--)
        {
            // Gone meanwhile is as good as removed; anything else is a real failure.
            if (errnos[i] is not (0 or Errno.EADDRNOTAVAIL)) throw Error(stale[i], add: false, errnos[i], kernelMessage: _netlink.LastKernelMessage);
        }
        return removed;
    }

    private void Single(in VirtualAddress address, bool add)
    {
        var writer = new NetlinkWriter(_buffer);
        Write(ref writer, address, add, _netlink.NextSequence());
        int errno = _netlink.Request(writer.Written);
        if (errno != 0) throw Error(address, add, errno, kernelMessage: _netlink.LastKernelMessage);
    }

    private int Batch(ReadOnlySpan<VirtualAddress> addresses, Span<int> errnos, bool add)
    {
        if (errnos.Length < addresses.Length) throw new ArgumentException("One result slot per address is needed.", nameof(errnos));
        int failures = 0;
        for (int start = 0; start < addresses.Length; start += ChunkSize)
        {
            ReadOnlySpan<VirtualAddress> chunk = addresses.Slice(start, Math.Min(ChunkSize, addresses.Length - start));
            var writer = new NetlinkWriter(_buffer);
            foreach (ref readonly VirtualAddress a in chunk) Write(ref writer, a, add, _netlink.NextSequence());
            failures += _netlink.RequestBatch(writer.Written, errnos.Slice(start, chunk.Length));
        }
        return failures;
    }

    private static void Write(ref NetlinkWriter writer, in VirtualAddress address, bool add, uint sequence)
    {
        IpFamily family = address.Address.Family;
        if (family == IpFamily.None) throw new ArgumentException("A virtual address needs an address.", nameof(address));
        ushort flags = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK;
        if (add) flags |= Nl.NLM_F_CREATE | Nl.NLM_F_EXCL;
        uint addressFlags = add && family == IpFamily.IPv6 ? Rtnl.IFA_F_NODAD : 0;
        writer.BeginMessage(add ? Rtnl.RTM_NEWADDR : Rtnl.RTM_DELADDR, flags, sequence);
        writer.WriteHeader(new IfAddrMsg
        {
            Family = FamilyCode(family),
            PrefixLength = address.EffectivePrefixLength,
            Flags = (byte)addressFlags,
            Scope = family == IpFamily.IPv4 ? address.Scope : (byte)0,
            Index = address.IfIndex,
        });
        writer.WriteAttribute(Rtnl.IFA_LOCAL, address.Address);
        writer.WriteAttribute(Rtnl.IFA_ADDRESS, address.Address);
        if (add)
        {
            if (family == IpFamily.IPv4 && address.Broadcast.IsIPv4) writer.WriteAttribute(Rtnl.IFA_BROADCAST, address.Broadcast);
            if (family == IpFamily.IPv4 && address.Label is { Length: > 0 } label) writer.WriteAttribute(Rtnl.IFA_LABEL, label);
            if (addressFlags != 0) writer.WriteAttribute(Rtnl.IFA_FLAGS, addressFlags);
            if (family == IpFamily.IPv6 && address.EffectivePrefixLength == 128)
            {
                // Deprecated at once (preferred 0, valid forever): never picked as a source address.
                Span<byte> cacheInfo = stackalloc byte[Unsafe.SizeOf<IfaCacheInfo>()];
                System.Runtime.InteropServices.MemoryMarshal.Write(cacheInfo, new IfaCacheInfo { Preferred = 0, Valid = uint.MaxValue });
                writer.WriteAttribute(Rtnl.IFA_CACHEINFO, cacheInfo);
            }
            writer.WriteAttribute(Rtnl.IFA_PROTO, ProtocolTag);
        }
        writer.EndMessage();
    }

    private static byte FamilyCode(IpFamily family) => family switch
    {
        IpFamily.IPv4 => Sock.AF_INET,
        IpFamily.IPv6 => Sock.AF_INET6,
        _ => Sock.AF_UNSPEC,
    };
}
