using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>
/// A read-only view of an IPv6 fixed header (RFC 8200 3): <see cref="TryCreate"/> checks that
/// the 40 bytes are there; the payload length is checked by <see cref="Ipv6Header.TryParse"/>.
/// </summary>
public readonly ref struct Ipv6Packet
{
    /// <summary>Byte offsets of the IPv6 header fields.</summary>
    public static class Field
    {
        /// <summary>Version (4 bits), traffic class (8 bits) and flow label (20 bits), one 32-bit word.</summary>
        public const int VersionClassFlow = 0;
        /// <summary>Payload length.</summary>
        public const int PayloadLength = 4;
        /// <summary>Next header.</summary>
        public const int NextHeader = 6;
        /// <summary>Hop limit.</summary>
        public const int HopLimit = 7;
        /// <summary>Source address.</summary>
        public const int Source = 8;
        /// <summary>Destination address.</summary>
        public const int Destination = 24;
        /// <summary>Length of the fixed header; the payload starts here.</summary>
        public const int HeaderLength = 40;
    }

    private readonly ReadOnlySpan<byte> _buffer;

    internal Ipv6Packet(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>Wraps <paramref name="buffer"/> if it holds at least the 40-byte header.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out Ipv6Packet packet)
    {
        packet = new Ipv6Packet(buffer);
        return buffer.Length >= Field.HeaderLength;
    }

    private uint FirstWord => BinaryPrimitives.ReadUInt32BigEndian(_buffer);

    /// <summary>The whole buffer.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;
    /// <summary>Version nibble (6 for IPv6).</summary>
    public int Version => (int)(FirstWord >> 28);
    /// <summary>Traffic class (DSCP and ECN).</summary>
    public byte TrafficClass => (byte)(FirstWord >> 20);
    /// <summary>Flow label (20 bits).</summary>
    public uint FlowLabel => FirstWord & Ipv6Header.MaxFlowLabel;
    /// <summary>Payload length.</summary>
    public ushort PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.PayloadLength..]);
    /// <summary>Next header.</summary>
    public byte NextHeader => _buffer[Field.NextHeader];
    /// <summary>Hop limit.</summary>
    public byte HopLimit => _buffer[Field.HopLimit];
    /// <summary>Source address.</summary>
    public IpAddr Source => ReadAddress(Field.Source);
    /// <summary>Destination address.</summary>
    public IpAddr Destination => ReadAddress(Field.Destination);

    private IpAddr ReadAddress(int offset) =>
        IpAddr.FromV6(BinaryPrimitives.ReadUInt64BigEndian(_buffer[offset..]), BinaryPrimitives.ReadUInt64BigEndian(_buffer[(offset + 8)..]));
}

/// <summary>An IPv6 fixed header as a value (the "repr"); extension headers are not used by VRRP or NDP.</summary>
public readonly record struct Ipv6Header
{
    /// <summary>Length of the fixed header.</summary>
    public const int Length = Ipv6Packet.Field.HeaderLength;

    /// <summary>Largest flow label (20 bits).</summary>
    public const uint MaxFlowLabel = 0xF_FFFF;

    /// <summary>Source address.</summary>
    public IpAddr Source { get; init; }
    /// <summary>Destination address.</summary>
    public IpAddr Destination { get; init; }
    /// <summary>Next header of the payload.</summary>
    public byte NextHeader { get; init; }
    /// <summary>Payload length in bytes.</summary>
    public int PayloadLength { get; init; }
    /// <summary>Hop limit.</summary>
    public byte HopLimit { get; init; }
    /// <summary>Traffic class (DSCP and ECN).</summary>
    public byte TrafficClass { get; init; }
    /// <summary>Flow label (20 bits); the Linux kernel picks a per-socket one, the default here is 0.</summary>
    public uint FlowLabel { get; init; }

    /// <summary>
    /// Parses and checks the header of <paramref name="packet"/>: version 6 and a payload length
    /// within the bytes received. Bytes after the payload (Ethernet padding) are ignored;
    /// <paramref name="payload"/> is what the payload length covers.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> packet, out Ipv6Header header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        ParseError error = Validate(packet, out int payloadLength);
        if (error != ParseError.None) return error;
        Ipv6Packet view = new(packet);
        header = new Ipv6Header
        {
            Source = view.Source,
            Destination = view.Destination,
            NextHeader = view.NextHeader,
            PayloadLength = payloadLength,
            HopLimit = view.HopLimit,
            TrafficClass = view.TrafficClass,
            FlowLabel = view.FlowLabel,
        };
        payload = packet.Slice(Length, payloadLength);
        return ParseError.None;
    }

    // The checks of TryParse without building the repr, for the receive hot path.
    internal static ParseError Validate(ReadOnlySpan<byte> packet, out int payloadLength)
    {
        payloadLength = 0;
        if (packet.Length < Length) return ParseError.Truncated;
        Ipv6Packet view = new(packet);
        if (view.Version != 6) return ParseError.BadIpVersion;
        payloadLength = view.PayloadLength;
        return payloadLength > packet.Length - Length ? ParseError.IpLengthMismatch : ParseError.None;
    }

    /// <summary>Writes the 40-byte header; returns 40.</summary>
    /// <exception cref="ArgumentException">The buffer is too small, an address is not IPv6, the payload exceeds 65535 bytes or the flow label 20 bits.</exception>
    public int Emit(Span<byte> buffer)
    {
        if (buffer.Length < Length) ThrowHelper.BufferTooSmall(Length, buffer.Length);
        if (!Source.IsIPv6 || !Destination.IsIPv6) ThrowHelper.Argument("an IPv6 header needs IPv6 addresses");
        if ((uint)PayloadLength > ushort.MaxValue) ThrowHelper.Argument("an IPv6 payload is at most 65535 bytes without a jumbogram");
        if (FlowLabel > MaxFlowLabel) ThrowHelper.Argument("the IPv6 flow label is 20 bits");

        BinaryPrimitives.WriteUInt32BigEndian(buffer, (6u << 28) | ((uint)TrafficClass << 20) | FlowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[Ipv6Packet.Field.PayloadLength..], (ushort)PayloadLength);
        buffer[Ipv6Packet.Field.NextHeader] = NextHeader;
        buffer[Ipv6Packet.Field.HopLimit] = HopLimit;
        Source.WriteTo(buffer[Ipv6Packet.Field.Source..]);
        Destination.WriteTo(buffer[Ipv6Packet.Field.Destination..]);
        return Length;
    }
}
