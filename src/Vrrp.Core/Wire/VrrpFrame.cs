using System.Runtime.CompilerServices;

namespace Vrrp.Core.Wire;

/// <summary>
/// A VRRP advertisement received in a frame or IP packet, after every check that needs no
/// configuration (authentication, VRID and version are the receiver's to check). Spans point
/// into the received buffer.
/// </summary>
public readonly ref struct ReceivedAdvertisement
{
    private readonly VrrpAdvertisement _advertisement;
    private readonly ChecksumConvention _convention;

    // Parses the VRRP message straight into this value: copying a freshly written struct costs
    // more than the parse itself (a wide load cannot be forwarded from narrow stores).
    internal ReceivedAdvertisement(ReadOnlySpan<byte> message, MacAddress sourceMac, MacAddress destinationMac,
        IpAddr source, IpAddr destination, byte hopLimit, out ParseError error)
    {
        SourceMac = sourceMac;
        DestinationMac = destinationMac;
        Source = source;
        Destination = destination;
        HopLimit = hopLimit;
        error = VrrpAdvertisement.TryParse(message, source, destination, out _advertisement, out _convention);
    }

    /// <summary>Ethernet source address (default when parsed from an IP packet).</summary>
    public MacAddress SourceMac { get; init; }
    /// <summary>Ethernet destination address (default when parsed from an IP packet).</summary>
    public MacAddress DestinationMac { get; init; }
    /// <summary>IP source address: the sender's primary (IPv4) or link-local (IPv6) address.</summary>
    public IpAddr Source { get; init; }
    /// <summary>IP destination: the VRRP multicast group or, for unicast peers, this host.</summary>
    public IpAddr Destination { get; init; }
    /// <summary>TTL or hop limit as received (always 255 once accepted).</summary>
    public byte HopLimit { get; init; }
    /// <summary>The advertisement.</summary>
    public VrrpAdvertisement Advertisement { get => _advertisement; init => _advertisement = value; }
    /// <summary>The checksum convention that verified (VRRPv2: <see cref="ChecksumConvention.MessageOnly"/>).</summary>
    public ChecksumConvention Convention { get => _convention; init => _convention = value; }
}

/// <summary>
/// Whole VRRP frames: Ethernet, IPv4 or IPv6 header and advertisement, built and checked as
/// RFC 3768 and RFC 5798 require and as keepalived sends them.
/// </summary>
public static class VrrpFrame
{
    /// <summary>The TTL / hop limit VRRP is sent with and must arrive with (RFC 5798 5.1.1.3, 5.1.2.3).</summary>
    public const byte RequiredHopLimit = 255;

    /// <summary>Length of the IP packet (header and advertisement) carrying <paramref name="advert"/>.</summary>
    public static int GetIpPacketLength(in VrrpAdvertisement advert) =>
        (advert.Family == IpFamily.IPv6 ? Ipv6Header.Length : Ipv4Header.Length) + advert.BufferLength;

    /// <summary>Length of the Ethernet frame carrying <paramref name="advert"/>, without padding or FCS.</summary>
    public static int GetFrameLength(in VrrpAdvertisement advert) => EthernetFrame.Field.HeaderLength + GetIpPacketLength(advert);

    /// <summary>
    /// Writes an Ethernet frame carrying <paramref name="advert"/> and returns its length (the
    /// NIC adds padding to 60 bytes and the FCS). IPv4: TTL 255, DSCP CS6, no fragmentation,
    /// header checksum; IPv6: traffic class CS6, hop limit 255. <paramref name="source"/> and
    /// <paramref name="destination"/> are also the VRRPv3 pseudo-header's (the real peer for unicast).
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is too small, or the addresses and advertisement are not all of one family.</exception>
    public static int Write(Span<byte> buffer, MacAddress sourceMac, MacAddress destinationMac, IpAddr source, IpAddr destination,
        in VrrpAdvertisement advert, ChecksumConvention convention = ChecksumConvention.PseudoHeader,
        ushort ipv4Identification = 0, uint ipv6FlowLabel = 0)
    {
        int length = GetFrameLength(advert);
        if (buffer.Length < length) ThrowHelper.BufferTooSmall(length, buffer.Length);
        EthernetFrame.WriteHeader(buffer, destinationMac, sourceMac, advert.Family == IpFamily.IPv6 ? EtherType.IPv6 : EtherType.IPv4);
        return EthernetFrame.Field.HeaderLength +
            WriteIpPacket(buffer[EthernetFrame.Field.HeaderLength..], source, destination, advert, convention, ipv4Identification, ipv6FlowLabel);
    }

    /// <summary>
    /// Writes the IP packet (header and advertisement) alone, for raw IP sockets with a
    /// header-included option; returns its length. Same rules as <see cref="Write"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is too small, or the addresses and advertisement are not all of one family.</exception>
    public static int WriteIpPacket(Span<byte> buffer, IpAddr source, IpAddr destination, in VrrpAdvertisement advert,
        ChecksumConvention convention = ChecksumConvention.PseudoHeader, ushort ipv4Identification = 0, uint ipv6FlowLabel = 0)
    {
        int length = GetIpPacketLength(advert);
        if (buffer.Length < length) ThrowHelper.BufferTooSmall(length, buffer.Length);
        if (source.Family != advert.Family || destination.Family != advert.Family)
            ThrowHelper.Argument("source, destination and advertisement must be of one address family");

        if (advert.Family == IpFamily.IPv6)
        {
            int vrrpLength = advert.Emit(buffer[Ipv6Header.Length..], source, destination, convention);
            new Ipv6Header
            {
                Source = source,
                Destination = destination,
                NextHeader = Checksum.VrrpProtocol,
                PayloadLength = vrrpLength,
                HopLimit = RequiredHopLimit,
                TrafficClass = Ipv4Header.NetworkControlTypeOfService,
                FlowLabel = ipv6FlowLabel,
            }.Emit(buffer);
            return Ipv6Header.Length + vrrpLength;
        }
        else
        {
            int vrrpLength = advert.Emit(buffer[Ipv4Header.Length..], source, destination, convention);
            new Ipv4Header
            {
                Source = source,
                Destination = destination,
                Protocol = Checksum.VrrpProtocol,
                PayloadLength = vrrpLength,
                TimeToLive = RequiredHopLimit,
                TypeOfService = Ipv4Header.NetworkControlTypeOfService,
                Identification = ipv4Identification,
            }.Emit(buffer);
            return Ipv4Header.Length + vrrpLength;
        }
    }

    /// <summary>
    /// Parses and checks a whole Ethernet frame. Trailing Ethernet padding is accepted (an IP
    /// length shorter than the bytes left); every failure is a distinct <see cref="ParseError"/>.
    /// Never throws.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> frame, out ReceivedAdvertisement received)
    {
        received = default;
        if (!EthernetFrame.TryCreate(frame, out EthernetFrame ethernet)) return ParseError.Truncated;
        int expectedVersion = ethernet.EtherType switch
        {
            EtherType.IPv4 => 4,
            EtherType.IPv6 => 6,
            _ => 0,
        };
        if (expectedVersion == 0) return IsEncapsulation(ethernet.EtherType) ? ParseError.UnsupportedEncapsulation : ParseError.UnsupportedEtherType;
        ReadOnlySpan<byte> packet = ethernet.Payload;
        if (packet.IsEmpty) return ParseError.Truncated;
        if (packet[0] >> 4 != expectedVersion) return ParseError.BadIpVersion;
        return ParseIpPacket(packet, ethernet.Source, ethernet.Destination, out received);
    }

    // EtherTypes that wrap another frame or packet: 802.1Q and 802.1ad tags, 802.1ah PBB, MPLS.
    private static bool IsEncapsulation(EtherType type) => (ushort)type is 0x8100 or 0x88A8 or 0x9100 or 0x88E7 or 0x8847 or 0x8848;

    /// <summary>
    /// Parses and checks an IP packet starting at the IPv4 or IPv6 header (what a raw IPv4
    /// socket receives). The MAC addresses of the result are default. Never throws.
    /// </summary>
    public static ParseError TryParseIpPacket(ReadOnlySpan<byte> packet, out ReceivedAdvertisement received) =>
        ParseIpPacket(packet, default, default, out received);

    // Kept out of its callers: inlined into a large caller it exhausts the JIT's inlining budget,
    // and then even the one-line field accessors become calls (seen in BenchmarkDotNet's disassembly).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParseError ParseIpPacket(ReadOnlySpan<byte> packet, MacAddress sourceMac, MacAddress destinationMac, out ReceivedAdvertisement received)
    {
        received = default;
        if (packet.IsEmpty) return ParseError.Truncated;
        IpAddr source, destination;
        byte hopLimit;
        ReadOnlySpan<byte> message;
        switch (packet[0] >> 4)
        {
            case 4:
            {
                ParseError error = Ipv4Header.Validate(packet, out int headerLength, out int totalLength);
                if (error != ParseError.None) return error;
                Ipv4Packet ip = new(packet);
                if (ip.Protocol != Checksum.VrrpProtocol) return ParseError.NotVrrp;
                (source, destination, hopLimit) = (ip.Source, ip.Destination, ip.TimeToLive);
                message = packet[headerLength..totalLength];
                break;
            }
            case 6:
            {
                ParseError error = Ipv6Header.Validate(packet, out int payloadLength);
                if (error != ParseError.None) return error;
                Ipv6Packet ip = new(packet);
                // Extension headers are not followed: VRRP is sent without them.
                if (ip.NextHeader != Checksum.VrrpProtocol) return ParseError.NotVrrp;
                (source, destination, hopLimit) = (ip.Source, ip.Destination, ip.HopLimit);
                message = packet.Slice(Ipv6Header.Length, payloadLength);
                break;
            }
            default:
                return ParseError.BadIpVersion;
        }

        // RFC 5798 5.1.1.1, 6.4.3: the source is the sender's primary address, what elections
        // compare; 0.0.0.0 (Huawei sends its priority 0 so) or :: names no router.
        if (source.IsUnspecified) return ParseError.ZeroSourceAddress;
        // RFC 5798 7.1 (RFC 3768 7.1): a TTL or hop limit other than 255 may have crossed a router.
        if (hopLimit != RequiredHopLimit) return ParseError.BadTtl;
        // RFC 5798 5.1.2.1: the IPv6 source of an advertisement to the multicast group is the
        // sender's link-local address; unicast peers (keepalived unicast_peer) may use global ones.
        if (source.IsIPv6 && destination.IsMulticast && !source.IsIPv6LinkLocal) return ParseError.SourceNotLinkLocal;

        received = new ReceivedAdvertisement(message, sourceMac, destinationMac, source, destination, hopLimit, out ParseError vrrpError);
        if (vrrpError != ParseError.None) received = default;
        return vrrpError;
    }
}
