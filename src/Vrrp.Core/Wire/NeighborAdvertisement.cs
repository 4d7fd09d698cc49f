using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>The flags of a neighbour advertisement (RFC 4861 4.4), as in the first byte of the flags word.</summary>
[Flags]
public enum NeighborAdvertisementFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>The sender is a router.</summary>
    Router = 0x80,
    /// <summary>Sent in response to a solicitation.</summary>
    Solicited = 0x40,
    /// <summary>Override existing cache entries: what moves a virtual address to a new MAC.</summary>
    Override = 0x20,
}

/// <summary>
/// A read-only view of an ICMPv6 neighbour advertisement message (the IPv6 payload, RFC 4861
/// 4.4): <see cref="TryCreate"/> checks that the 24 fixed bytes are there.
/// </summary>
public readonly ref struct NeighborAdvertisementPacket
{
    /// <summary>Byte offsets of the neighbour advertisement fields.</summary>
    public static class Field
    {
        /// <summary>ICMPv6 type.</summary>
        public const int Type = 0;
        /// <summary>ICMPv6 code.</summary>
        public const int Code = 1;
        /// <summary>ICMPv6 checksum.</summary>
        public const int Checksum = 2;
        /// <summary>Flags (high 3 bits) and reserved (29 bits).</summary>
        public const int Flags = 4;
        /// <summary>Target address.</summary>
        public const int Target = 8;
        /// <summary>First option.</summary>
        public const int Options = 24;
        /// <summary>Length without options.</summary>
        public const int MinLength = 24;
        /// <summary>Length of a target link-layer address option for Ethernet.</summary>
        public const int LinkLayerOptionLength = 8;
    }

    /// <summary>ICMPv6 type of a neighbour advertisement.</summary>
    public const byte NeighborAdvertisementType = 136;

    /// <summary>Neighbour discovery option type of the target link-layer address (RFC 4861 4.6.1).</summary>
    public const byte TargetLinkLayerAddressOption = 2;

    private readonly ReadOnlySpan<byte> _buffer;

    private NeighborAdvertisementPacket(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>Wraps <paramref name="buffer"/> if it holds at least 24 bytes.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out NeighborAdvertisementPacket packet)
    {
        packet = new NeighborAdvertisementPacket(buffer);
        return buffer.Length >= Field.MinLength;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;
    /// <summary>ICMPv6 type.</summary>
    public byte Type => _buffer[Field.Type];
    /// <summary>ICMPv6 code.</summary>
    public byte Code => _buffer[Field.Code];
    /// <summary>ICMPv6 checksum field.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.Checksum..]);
    /// <summary>Router, Solicited and Override flags.</summary>
    public NeighborAdvertisementFlags Flags => (NeighborAdvertisementFlags)(_buffer[Field.Flags] & 0xE0);
    /// <summary>Target address.</summary>
    public IpAddr Target => IpAddr.FromBytes(_buffer.Slice(Field.Target, 16));
    /// <summary>The options, a sequence of (type, length in 8-byte units, data).</summary>
    public ReadOnlySpan<byte> Options => _buffer[Field.Options..];
}

/// <summary>
/// An Ethernet frame carrying an IPv6 neighbour advertisement, as a value (the "repr").
/// </summary>
public readonly record struct NeighborAdvertisementFrame
{
    /// <summary>Ethernet destination.</summary>
    public MacAddress EthernetDestination { get; init; }
    /// <summary>Ethernet source.</summary>
    public MacAddress EthernetSource { get; init; }
    /// <summary>IPv6 source.</summary>
    public IpAddr Source { get; init; }
    /// <summary>IPv6 destination.</summary>
    public IpAddr Destination { get; init; }
    /// <summary>Hop limit as received (always 255 once accepted).</summary>
    public byte HopLimit { get; init; }
    /// <summary>Router, Solicited and Override flags.</summary>
    public NeighborAdvertisementFlags Flags { get; init; }
    /// <summary>The address advertised.</summary>
    public IpAddr Target { get; init; }
    /// <summary>The target link-layer address option, if present.</summary>
    public MacAddress? TargetMac { get; init; }

    /// <summary>Length of the ICMPv6 message <see cref="Emit"/> writes.</summary>
    public int MessageLength => NeighborAdvertisementPacket.Field.MinLength + (TargetMac.HasValue ? NeighborAdvertisementPacket.Field.LinkLayerOptionLength : 0);

    /// <summary>Length of the frame <see cref="Emit"/> writes.</summary>
    public int FrameLength => EthernetFrame.Field.HeaderLength + Ipv6Header.Length + MessageLength;

    /// <summary>
    /// Parses and checks an Ethernet frame carrying a neighbour advertisement as RFC 4861 7.1.2
    /// requires: hop limit 255, ICMPv6 checksum, code 0, at least 24 bytes, target not multicast,
    /// Solicited clear for a multicast destination, no option of length zero. Never throws.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> frame, out NeighborAdvertisementFrame advertisement)
    {
        advertisement = default;
        if (!EthernetFrame.TryCreate(frame, out EthernetFrame ethernet)) return ParseError.Truncated;
        if (ethernet.EtherType != EtherType.IPv6) return ParseError.UnsupportedEtherType;
        ParseError error = Ipv6Header.TryParse(ethernet.Payload, out Ipv6Header ip, out ReadOnlySpan<byte> message);
        if (error != ParseError.None) return error;
        if (ip.NextHeader != Checksum.Icmpv6Protocol) return ParseError.NotNeighborAdvertisement;
        if (!NeighborAdvertisementPacket.TryCreate(message, out NeighborAdvertisementPacket packet)) return ParseError.Truncated;
        if (packet.Type != NeighborAdvertisementPacket.NeighborAdvertisementType) return ParseError.NotNeighborAdvertisement;
        if (ip.HopLimit != VrrpFrame.RequiredHopLimit) return ParseError.BadTtl;
        if (!Checksum.Verify(message, Checksum.PseudoHeaderV6(ip.Source, ip.Destination, Checksum.Icmpv6Protocol, message.Length)))
            return ParseError.BadChecksum;
        if (packet.Code != 0) return ParseError.NotNeighborAdvertisement;

        IpAddr target = packet.Target;
        NeighborAdvertisementFlags flags = packet.Flags;
        if (target.IsMulticast) return ParseError.BadNeighborAdvertisement;
        if (ip.Destination.IsMulticast && (flags & NeighborAdvertisementFlags.Solicited) != 0) return ParseError.BadNeighborAdvertisement;

        MacAddress? targetMac = null;
        ReadOnlySpan<byte> options = packet.Options;
        while (!options.IsEmpty)
        {
            if (options.Length < 2) return ParseError.BadNeighborAdvertisement;
            int optionLength = options[1] * 8;
            if (optionLength == 0 || optionLength > options.Length) return ParseError.BadNeighborAdvertisement;
            // RFC 2464 9: on Ethernet the link-layer address option is one unit holding a MAC.
            if (options[0] == NeighborAdvertisementPacket.TargetLinkLayerAddressOption && optionLength == NeighborAdvertisementPacket.Field.LinkLayerOptionLength)
                targetMac = MacAddress.FromBytes(options[2..]);
            options = options[optionLength..];
        }

        advertisement = new NeighborAdvertisementFrame
        {
            EthernetDestination = ethernet.Destination,
            EthernetSource = ethernet.Source,
            Source = ip.Source,
            Destination = ip.Destination,
            HopLimit = ip.HopLimit,
            Flags = flags,
            Target = target,
            TargetMac = targetMac,
        };
        return ParseError.None;
    }

    /// <summary>Writes the frame (traffic class and flow label zero) with its ICMPv6 checksum; returns its length.</summary>
    /// <exception cref="ArgumentException">The buffer is too small or an address is not IPv6.</exception>
    public int Emit(Span<byte> buffer)
    {
        int length = FrameLength;
        if (buffer.Length < length) ThrowHelper.BufferTooSmall(length, buffer.Length);
        if (!Target.IsIPv6) ThrowHelper.Argument("a neighbour advertisement's target is an IPv6 address");
        int messageLength = MessageLength;
        EthernetFrame.WriteHeader(buffer, EthernetDestination, EthernetSource, EtherType.IPv6);
        new Ipv6Header
        {
            Source = Source,
            Destination = Destination,
            NextHeader = Checksum.Icmpv6Protocol,
            PayloadLength = messageLength,
            HopLimit = HopLimit,
        }.Emit(buffer[EthernetFrame.Field.HeaderLength..]);

        Span<byte> message = buffer.Slice(EthernetFrame.Field.HeaderLength + Ipv6Header.Length, messageLength);
        message.Clear();
        message[NeighborAdvertisementPacket.Field.Type] = NeighborAdvertisementPacket.NeighborAdvertisementType;
        message[NeighborAdvertisementPacket.Field.Flags] = (byte)Flags;
        Target.WriteTo(message[NeighborAdvertisementPacket.Field.Target..]);
        if (TargetMac is MacAddress mac)
        {
            message[NeighborAdvertisementPacket.Field.Options] = NeighborAdvertisementPacket.TargetLinkLayerAddressOption;
            message[NeighborAdvertisementPacket.Field.Options + 1] = 1;
            mac.WriteTo(message[(NeighborAdvertisementPacket.Field.Options + 2)..]);
        }
        ulong pseudo = Checksum.PseudoHeaderV6(Source, Destination, Checksum.Icmpv6Protocol, messageLength);
        BinaryPrimitives.WriteUInt16BigEndian(message[NeighborAdvertisementPacket.Field.Checksum..], Checksum.Compute(message, pseudo));
        return length;
    }
}

/// <summary>
/// The unsolicited neighbour advertisement keepalived sends when it takes a virtual IPv6
/// address (RFC 5798 6.4.2; RFC 4861 7.2.6): from the virtual address itself to ff02::1, hop
/// limit 255, Override set, Router and Solicited clear, with the target link-layer address.
/// </summary>
public static class NeighborAdvertisement
{
    /// <summary>Length of the frame: 14 + 40 + 32.</summary>
    public const int FrameLength = EthernetFrame.Field.HeaderLength + Ipv6Header.Length +
        NeighborAdvertisementPacket.Field.MinLength + NeighborAdvertisementPacket.Field.LinkLayerOptionLength;

    /// <summary>The unsolicited advertisement of <paramref name="address"/> at <paramref name="senderMac"/>.</summary>
    public static NeighborAdvertisementFrame Create(MacAddress senderMac, IpAddr address) => new()
    {
        EthernetDestination = MacAddress.MulticastFor(IpAddr.AllNodesV6),
        EthernetSource = senderMac,
        Source = address,
        Destination = IpAddr.AllNodesV6,
        HopLimit = VrrpFrame.RequiredHopLimit,
        Flags = NeighborAdvertisementFlags.Override,
        Target = address,
        TargetMac = senderMac,
    };

    /// <summary>Writes the 86-byte frame advertising <paramref name="address"/>; returns 86.</summary>
    /// <exception cref="ArgumentException">The buffer is too small or the address is not IPv6.</exception>
    public static int Write(Span<byte> buffer, MacAddress senderMac, IpAddr address) => Create(senderMac, address).Emit(buffer);

    /// <summary>Parses and checks a neighbour advertisement frame (see <see cref="NeighborAdvertisementFrame.TryParse"/>). Never throws.</summary>
    public static ParseError TryParse(ReadOnlySpan<byte> frame, out NeighborAdvertisementFrame advertisement) =>
        NeighborAdvertisementFrame.TryParse(frame, out advertisement);
}
