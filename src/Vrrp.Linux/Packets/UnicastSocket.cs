using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>Counters of one <see cref="UnicastSocket"/>, as a snapshot.</summary>
/// <param name="PacketsReceived">Packets from a configured peer handed to the caller.</param>
/// <param name="UnknownSource">Packets from an address that is not a configured peer, dropped.</param>
/// <param name="Truncated">Packets longer than the caller's buffer, dropped.</param>
/// <param name="ReceiveErrors">Receive calls that failed with something other than "nothing pending".</param>
/// <param name="PacketsSent">Messages the kernel accepted.</param>
/// <param name="SendErrors">Messages the kernel refused (no route, link down, ...).</param>
/// <param name="LastError">errno of the last failed call, 0 if none.</param>
public readonly record struct UnicastSocketStatistics(
    long PacketsReceived, long UnknownSource, long Truncated, long ReceiveErrors, long PacketsSent, long SendErrors, int LastError);

/// <summary>
/// VRRP to unicast peers (<c>unicast_src_ip</c>, <c>unicast_peer</c>): a raw IP socket for
/// protocol 112, bound to the interface and the source address, TTL / hop limit 255 and
/// TOS / traffic class 0xc0 (CS6). The kernel routes and builds the IP header; the caller
/// gives the VRRP message (its VRRPv3 checksum computed for that peer). Received packets come
/// back as whole IP packets, so <see cref="VrrpFrame.TryParseIpPacket"/> parses both families
/// alike: IPv4 raw sockets deliver the header, and for IPv6 one is rebuilt from the ancillary
/// data (source, destination, hop limit). Packets from an address that is not a peer are
/// dropped and counted. Having this socket open also keeps the kernel from answering peers'
/// adverts with ICMP protocol-unreachable. Nothing allocates per packet.
/// </summary>
public sealed unsafe class UnicastSocket : IDisposable
{
    private const int Ipv6HeaderLength = 40;
    private readonly SafeSocketHandle _handle;
    private readonly IpAddr[] _peers;
    private readonly byte* _peerAddresses; // sockaddr_in or sockaddr_in6 per peer
    private readonly int _addressLength;
    private long _received, _unknown, _truncated, _receiveErrors, _sent, _sendErrors;
    private int _lastError;

    private UnicastSocket(SafeSocketHandle handle, IpAddr source, IpAddr[] peers, int ifIndex)
    {
        _handle = handle;
        Source = source;
        _peers = peers;
        _addressLength = source.IsIPv4 ? sizeof(SockAddrIn) : sizeof(SockAddrIn6);
        _peerAddresses = (byte*)NativeMemory.AllocZeroed((nuint)(Math.Max(1, peers.Length) * _addressLength));
        for (int i = 0; i < peers.Length; i++) WriteSockAddr(_peerAddresses + (i * _addressLength), peers[i], ifIndex);
    }

    /// <summary>The source address (and family) of the socket.</summary>
    public IpAddr Source { get; }

    /// <summary>The configured peers, in the order <see cref="Send"/> indexes them.</summary>
    public ReadOnlySpan<IpAddr> Peers => _peers;

    /// <summary>The socket, to register with <see cref="Epoll"/>.</summary>
    public SafeSocketHandle Handle => _handle;

    /// <summary>The counters so far.</summary>
    public UnicastSocketStatistics Statistics => new(_received, _unknown, _truncated, _receiveErrors, _sent, _sendErrors, _lastError);

    /// <summary>
    /// Opens the socket on interface <paramref name="ifIndex"/>, from <paramref name="source"/>
    /// (which must be an address of this host), to <paramref name="peers"/> (same family), in the
    /// calling thread's network namespace.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">A setup call failed.</exception>
    public static UnicastSocket Open(int ifIndex, IpAddr source, ReadOnlySpan<IpAddr> peers)
    {
        if (source.Family == IpFamily.None) throw new ArgumentException("A source address is needed.", nameof(source));
        foreach (IpAddr peer in peers)
            if (peer.Family != source.Family) throw new ArgumentException($"Peer {peer} is not of the source's family.", nameof(peers));
        bool v4 = source.IsIPv4;
        int fd = Libc.Socket(v4 ? Sock.AF_INET : Sock.AF_INET6, Sock.SOCK_RAW | Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC, Ip.IPPROTO_VRRP);
        if (fd < 0) LinuxError.Throw("socket(raw, 112)");
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            SetInt(handle, Sock.SOL_SOCKET, Sock.SO_BINDTOIFINDEX, ifIndex, "SO_BINDTOIFINDEX");
            if (v4)
            {
                // RFC 5798 5.1.1.3: TTL 255; CS6 as keepalived.
                SetInt(handle, Ip.IPPROTO_IP, Ip.IP_TTL, 255, "IP_TTL");
                SetInt(handle, Ip.IPPROTO_IP, Ip.IP_TOS, 0xC0, "IP_TOS");
            }
            else
            {
                // RFC 5798 5.1.2.3: hop limit 255.
                SetInt(handle, Ip.IPPROTO_IPV6, Ip.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                SetInt(handle, Ip.IPPROTO_IPV6, Ip.IPV6_TCLASS, 0xC0, "IPV6_TCLASS");
                SetInt(handle, Ip.IPPROTO_IPV6, Ip.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
                SetInt(handle, Ip.IPPROTO_IPV6, Ip.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            }
            byte* local = stackalloc byte[sizeof(SockAddrIn6)];
            WriteSockAddr(local, source, ifIndex);
            if (Libc.Bind(handle, local, (uint)(v4 ? sizeof(SockAddrIn) : sizeof(SockAddrIn6))) < 0) LinuxError.Throw($"bind {source}");
            return new UnicastSocket(handle, source, peers.ToArray(), ifIndex);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Sends a VRRP message to peer <paramref name="peerIndex"/>. Returns 0, or the errno (counted).</summary>
    public int Send(int peerIndex, ReadOnlySpan<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)peerIndex, (uint)_peers.Length, nameof(peerIndex));
        nint n;
        fixed (byte* p = message)
            n = Libc.SendTo(_handle, p, (nuint)message.Length, Sock.MSG_DONTWAIT, _peerAddresses + (peerIndex * _addressLength), (uint)_addressLength);
        if (n < 0)
        {
            _sendErrors++;
            return _lastError = LinuxError.Last;
        }
        _sent++;
        return 0;
    }

    /// <summary>
    /// Receives the next packet from a configured peer into <paramref name="packet"/> as a
    /// whole IP packet (header and VRRP message). Returns its length, or 0 when nothing (more)
    /// is pending. Packets from other sources, or too long, are dropped and counted.
    /// </summary>
    public int Receive(Span<byte> packet)
    {
        while (true)
        {
            int n = Source.IsIPv4 ? ReceiveV4(packet, out IpAddr from) : ReceiveV6(packet, out from);
            if (n <= 0) return 0;
            if (Array.IndexOf(_peers, from) < 0)
            {
                _unknown++;
                continue;
            }
            _received++;
            return n;
        }
    }

    private int ReceiveV4(Span<byte> packet, out IpAddr from)
    {
        from = default;
        SockAddrIn address;
        IoVec iov;
        MsgHdr message = default;
        fixed (byte* p = packet)
        {
            iov = new IoVec { Base = p, Length = (nuint)packet.Length };
            message.Name = &address;
            message.NameLength = (uint)sizeof(SockAddrIn);
            message.Iov = &iov;
            message.IovLength = 1;
            nint n = Libc.RecvMsg(_handle, &message, Sock.MSG_DONTWAIT);
            if (n < 0) return Failed();
            if ((message.Flags & Sock.MSG_TRUNC) != 0)
            {
                _truncated++;
                return ReceiveV4(packet, out from);
            }
            from = IpAddr.FromV4(BinaryPrimitives.ReverseEndianness(address.Address));
            return (int)n;
        }
    }

    private int ReceiveV6(Span<byte> packet, out IpAddr from)
    {
        from = default;
        if (packet.Length <= Ipv6HeaderLength) throw new ArgumentException("The buffer cannot hold an IPv6 packet.", nameof(packet));
        SockAddrIn6 address;
        IoVec iov;
        MsgHdr message = default;
        byte* control = stackalloc byte[128];
        fixed (byte* p = packet)
        {
            iov = new IoVec { Base = p + Ipv6HeaderLength, Length = (nuint)(packet.Length - Ipv6HeaderLength) };
            message.Name = &address;
            message.NameLength = (uint)sizeof(SockAddrIn6);
            message.Iov = &iov;
            message.IovLength = 1;
            message.Control = control;
            message.ControlLength = 128;
            nint n = Libc.RecvMsg(_handle, &message, Sock.MSG_DONTWAIT);
            if (n < 0) return Failed();
            if ((message.Flags & (Sock.MSG_TRUNC | Sock.MSG_CTRUNC)) != 0)
            {
                _truncated++;
                return ReceiveV6(packet, out from);
            }
            from = IpAddr.FromBytes(new ReadOnlySpan<byte>(address.Address, 16));
            IpAddr destination = default;
            int hopLimit = 0;
            // Walk the control messages (CMSG_FIRSTHDR / CMSG_NXTHDR, 8-byte aligned).
            for (nuint offset = 0; offset + (nuint)sizeof(CMsgHdr) <= message.ControlLength;)
            {
                CMsgHdr* header = (CMsgHdr*)(control + offset);
                if (header->Length < (nuint)sizeof(CMsgHdr)) break;
                byte* data = (byte*)(header + 1);
                if (header->Level == Ip.IPPROTO_IPV6 && header->Type == Ip.IPV6_HOPLIMIT) hopLimit = *(int*)data;
                else if (header->Level == Ip.IPPROTO_IPV6 && header->Type == Ip.IPV6_PKTINFO)
                    destination = IpAddr.FromBytes(new ReadOnlySpan<byte>(((In6PktInfo*)data)->Address, 16));
                offset += (header->Length + 7) & ~(nuint)7;
            }
            // The IPv6 header the raw socket does not deliver: version 6, traffic class and
            // flow label 0 (not carried), payload length, next header 112, hop limit, addresses.
            Span<byte> ip = packet[..Ipv6HeaderLength];
            ip.Clear();
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)n);
            ip[6] = Ip.IPPROTO_VRRP;
            ip[7] = (byte)hopLimit;
            from.WriteTo(ip[8..]);
            destination.WriteTo(ip[24..]);
            return Ipv6HeaderLength + (int)n;
        }
    }

    private int Failed()
    {
        int errno = LinuxError.Last;
        if (errno != Errno.EAGAIN && errno != Errno.EINTR)
        {
            _receiveErrors++;
            _lastError = errno;
        }
        return 0;
    }

    private static void WriteSockAddr(byte* destination, IpAddr address, int ifIndex)
    {
        if (address.IsIPv4)
        {
            var sin = (SockAddrIn*)destination;
            *sin = default;
            sin->Family = Sock.AF_INET;
            sin->Address = BinaryPrimitives.ReverseEndianness(address.V4Value);
            return;
        }
        var sin6 = (SockAddrIn6*)destination;
        *sin6 = default;
        sin6->Family = Sock.AF_INET6;
        address.WriteTo(new Span<byte>(sin6->Address, 16));
        // Link-local addresses only mean something together with their interface.
        sin6->ScopeId = address.IsIPv6LinkLocal ? (uint)ifIndex : 0;
    }

    private static void SetInt(SafeSocketHandle handle, int level, int option, int value, string name)
    {
        if (Libc.SetSockOpt(handle, level, option, &value, sizeof(int)) < 0) LinuxError.Throw($"setsockopt({name})");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_handle.IsClosed) return;
        _handle.Dispose();
        NativeMemory.Free(_peerAddresses);
    }
}
