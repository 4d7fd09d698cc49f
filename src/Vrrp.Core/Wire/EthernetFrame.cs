using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>The Ethernet types vrrpd sends and receives.</summary>
public enum EtherType : ushort
{
    /// <summary>IPv4.</summary>
    IPv4 = 0x0800,
    /// <summary>ARP.</summary>
    Arp = 0x0806,
    /// <summary>IPv6.</summary>
    IPv6 = 0x86DD,
}

/// <summary>
/// A read-only view of an Ethernet II frame (without preamble and FCS, as AF_PACKET and pcap
/// give it): the length is checked once in <see cref="TryCreate"/>, then the accessors read fixed offsets.
/// </summary>
public readonly ref struct EthernetFrame
{
    /// <summary>Byte offsets of the Ethernet II header fields (IEEE 802.3 clause 3.1.1).</summary>
    public static class Field
    {
        /// <summary>Destination MAC address.</summary>
        public const int Destination = 0;
        /// <summary>Source MAC address.</summary>
        public const int Source = 6;
        /// <summary>EtherType.</summary>
        public const int EtherType = 12;
        /// <summary>Start of the payload; also the header length.</summary>
        public const int Payload = 14;
        /// <summary>Length of the header.</summary>
        public const int HeaderLength = 14;
    }

    private readonly ReadOnlySpan<byte> _buffer;

    private EthernetFrame(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>Wraps <paramref name="buffer"/> if it holds at least the 14-byte header.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out EthernetFrame frame)
    {
        frame = new EthernetFrame(buffer);
        return buffer.Length >= Field.HeaderLength;
    }

    /// <summary>The whole frame.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;
    /// <summary>Destination MAC address.</summary>
    public MacAddress Destination => MacAddress.FromBytes(_buffer[Field.Destination..]);
    /// <summary>Source MAC address.</summary>
    public MacAddress Source => MacAddress.FromBytes(_buffer[Field.Source..]);
    /// <summary>EtherType (may be a value outside <see cref="Wire.EtherType"/>).</summary>
    public EtherType EtherType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.EtherType..]);
    /// <summary>Everything after the header, including any padding the sender's NIC added.</summary>
    public ReadOnlySpan<byte> Payload => _buffer[Field.Payload..];

    /// <summary>Writes the 14-byte header; returns 14.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than 14 bytes.</exception>
    public static int WriteHeader(Span<byte> buffer, MacAddress destination, MacAddress source, EtherType etherType)
    {
        if (buffer.Length < Field.HeaderLength) ThrowHelper.BufferTooSmall(Field.HeaderLength, buffer.Length);
        destination.WriteTo(buffer[Field.Destination..]);
        source.WriteTo(buffer[Field.Source..]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[Field.EtherType..], (ushort)etherType);
        return Field.HeaderLength;
    }
}
