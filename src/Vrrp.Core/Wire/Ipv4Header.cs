using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>
/// A read-only view of an IPv4 header (RFC 791 3.1): <see cref="TryCreate"/> checks that the
/// fixed 20 bytes are there; the header length, total length and checksum are checked by
/// <see cref="Ipv4Header.TryParse"/>.
/// </summary>
public readonly ref struct Ipv4Packet
{
    /// <summary>Byte offsets of the IPv4 header fields.</summary>
    public static class Field
    {
        /// <summary>Version (high nibble) and header length in 32-bit words (low nibble).</summary>
        public const int VersionAndHeaderLength = 0;
        /// <summary>Type of service: DSCP (6 bits) and ECN (2 bits).</summary>
        public const int TypeOfService = 1;
        /// <summary>Total length of header and payload.</summary>
        public const int TotalLength = 2;
        /// <summary>Identification.</summary>
        public const int Identification = 4;
        /// <summary>Flags (3 bits) and fragment offset (13 bits).</summary>
        public const int FlagsAndFragmentOffset = 6;
        /// <summary>Time to live.</summary>
        public const int TimeToLive = 8;
        /// <summary>Protocol.</summary>
        public const int Protocol = 9;
        /// <summary>Header checksum.</summary>
        public const int HeaderChecksum = 10;
        /// <summary>Source address.</summary>
        public const int Source = 12;
        /// <summary>Destination address.</summary>
        public const int Destination = 16;
        /// <summary>Length of a header without options.</summary>
        public const int MinHeaderLength = 20;
    }

    /// <summary>The Don't Fragment flag in <see cref="FlagsAndFragmentOffset"/>.</summary>
    public const ushort DontFragmentFlag = 0x4000;
    /// <summary>The More Fragments flag in <see cref="FlagsAndFragmentOffset"/>.</summary>
    public const ushort MoreFragmentsFlag = 0x2000;
    /// <summary>The fragment offset bits in <see cref="FlagsAndFragmentOffset"/>.</summary>
    public const ushort FragmentOffsetMask = 0x1FFF;

    private readonly ReadOnlySpan<byte> _buffer;

    internal Ipv4Packet(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>Wraps <paramref name="buffer"/> if it holds at least a 20-byte header.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out Ipv4Packet packet)
    {
        packet = new Ipv4Packet(buffer);
        return buffer.Length >= Field.MinHeaderLength;
    }

    /// <summary>The whole buffer.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;
    /// <summary>Version nibble (4 for IPv4).</summary>
    public int Version => _buffer[Field.VersionAndHeaderLength] >> 4;
    /// <summary>Header length in bytes, from the IHL nibble.</summary>
    public int HeaderLength => (_buffer[Field.VersionAndHeaderLength] & 0x0F) * 4;
    /// <summary>Type of service byte (DSCP and ECN).</summary>
    public byte TypeOfService => _buffer[Field.TypeOfService];
    /// <summary>Total length field.</summary>
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.TotalLength..]);
    /// <summary>Identification.</summary>
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.Identification..]);
    /// <summary>Flags and fragment offset.</summary>
    public ushort FlagsAndFragmentOffset => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.FlagsAndFragmentOffset..]);
    /// <summary>Time to live.</summary>
    public byte TimeToLive => _buffer[Field.TimeToLive];
    /// <summary>Protocol.</summary>
    public byte Protocol => _buffer[Field.Protocol];
    /// <summary>Header checksum field.</summary>
    public ushort HeaderChecksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.HeaderChecksum..]);
    /// <summary>Source address.</summary>
    public IpAddr Source => IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(_buffer[Field.Source..]));
    /// <summary>Destination address.</summary>
    public IpAddr Destination => IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(_buffer[Field.Destination..]));
}

/// <summary>
/// An IPv4 header as a value (the "repr"). <see cref="Emit"/> writes no options and never a
/// fragment; <see cref="TryParse"/> skips options a sender included (the view has their length).
/// </summary>
public readonly record struct Ipv4Header
{
    /// <summary>Length of the header vrrpd emits (no options).</summary>
    public const int Length = Ipv4Packet.Field.MinHeaderLength;

    /// <summary>DSCP CS6 (network control), the type of service keepalived gives VRRP (RFC 4594 3.2).</summary>
    public const byte NetworkControlTypeOfService = 0xC0;

    /// <summary>Source address.</summary>
    public IpAddr Source { get; init; }
    /// <summary>Destination address.</summary>
    public IpAddr Destination { get; init; }
    /// <summary>Protocol of the payload.</summary>
    public byte Protocol { get; init; }
    /// <summary>Payload length in bytes (total length minus the header length).</summary>
    public int PayloadLength { get; init; }
    /// <summary>Time to live.</summary>
    public byte TimeToLive { get; init; }
    /// <summary>Type of service byte (DSCP and ECN).</summary>
    public byte TypeOfService { get; init; }
    /// <summary>Identification.</summary>
    public ushort Identification { get; init; }
    /// <summary>The Don't Fragment flag.</summary>
    public bool DontFragment { get; init; }

    /// <summary>
    /// Parses and checks the header of <paramref name="packet"/>: version 4, header length,
    /// header checksum, total length, not a fragment. Bytes after the total length (Ethernet
    /// padding) are ignored; <paramref name="payload"/> is what the total length covers.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> packet, out Ipv4Header header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        ParseError error = Validate(packet, out int headerLength, out int totalLength);
        if (error != ParseError.None) return error;
        Ipv4Packet view = new(packet);
        header = new Ipv4Header
        {
            Source = view.Source,
            Destination = view.Destination,
            Protocol = view.Protocol,
            PayloadLength = totalLength - headerLength,
            TimeToLive = view.TimeToLive,
            TypeOfService = view.TypeOfService,
            Identification = view.Identification,
            DontFragment = (view.FlagsAndFragmentOffset & Ipv4Packet.DontFragmentFlag) != 0,
        };
        payload = packet[headerLength..totalLength];
        return ParseError.None;
    }

    // The checks of TryParse without building the repr, for the receive hot path.
    internal static ParseError Validate(ReadOnlySpan<byte> packet, out int headerLength, out int totalLength)
    {
        headerLength = totalLength = 0;
        if (packet.Length < Length) return ParseError.Truncated;
        Ipv4Packet view = new(packet);
        if (view.Version != 4) return ParseError.BadIpVersion;
        headerLength = view.HeaderLength;
        if (headerLength < Length || headerLength > packet.Length) return ParseError.BadIpHeaderLength;
        // RFC 791 3.1: the checksum covers the header (with options) only.
        if (!Checksum.Verify(packet[..headerLength])) return ParseError.BadIpHeaderChecksum;
        totalLength = view.TotalLength;
        if (totalLength < headerLength || totalLength > packet.Length) return ParseError.IpLengthMismatch;
        if ((view.FlagsAndFragmentOffset & (Ipv4Packet.MoreFragmentsFlag | Ipv4Packet.FragmentOffsetMask)) != 0) return ParseError.Fragmented;
        return ParseError.None;
    }

    /// <summary>Writes the 20-byte header with its checksum; returns 20.</summary>
    /// <exception cref="ArgumentException">The buffer is too small, an address is not IPv4, or the total length exceeds 65535.</exception>
    public int Emit(Span<byte> buffer)
    {
        if (buffer.Length < Length) ThrowHelper.BufferTooSmall(Length, buffer.Length);
        if (!Source.IsIPv4 || !Destination.IsIPv4) ThrowHelper.Argument("an IPv4 header needs IPv4 addresses");
        if ((uint)PayloadLength > ushort.MaxValue - Length) ThrowHelper.Argument("an IPv4 packet is at most 65535 bytes");

        ushort totalLength = (ushort)(Length + PayloadLength);
        ushort flags = DontFragment ? Ipv4Packet.DontFragmentFlag : (ushort)0;
        ushort ttlProtocol = (ushort)(TimeToLive << 8 | Protocol);
        // The checksum from the field values (2^16 == 1 mod 2^16 - 1, so each address counts whole).
        ulong sum = (0x4500u | TypeOfService) + (ulong)totalLength + Identification + flags + ttlProtocol + Source.V4Value + Destination.V4Value;

        Span<byte> header = buffer[..Length];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)(0x4500 | TypeOfService));
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Packet.Field.TotalLength..], totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Packet.Field.Identification..], Identification);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Packet.Field.FlagsAndFragmentOffset..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Packet.Field.TimeToLive..], ttlProtocol);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Packet.Field.HeaderChecksum..], Checksum.Finish(sum));
        BinaryPrimitives.WriteUInt32BigEndian(header[Ipv4Packet.Field.Source..], Source.V4Value);
        BinaryPrimitives.WriteUInt32BigEndian(header[Ipv4Packet.Field.Destination..], Destination.V4Value);
        return Length;
    }
}
