using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>VRRP protocol versions.</summary>
public enum VrrpVersion : byte
{
    /// <summary>VRRPv2, RFC 3768 (IPv4 only).</summary>
    V2 = 2,
    /// <summary>VRRPv3, RFC 5798 with RFC 9568 errata (IPv4 and IPv6).</summary>
    V3 = 3,
}

/// <summary>VRRPv2 authentication types (RFC 2338 5.3.6; kept by keepalived for compatibility).</summary>
public enum VrrpAuthType : byte
{
    /// <summary>No authentication.</summary>
    None = 0,
    /// <summary>Simple text password, 8 bytes, zero padded (keepalived's <c>auth_type PASS</c>).</summary>
    SimpleText = 1,
    /// <summary>IP Authentication Header (RFC 2338); not supported.</summary>
    IpAuthenticationHeader = 2,
}

/// <summary>How a VRRPv3 over IPv4 checksum is computed; VRRPv2 and IPv6 have only one way.</summary>
public enum ChecksumConvention : byte
{
    /// <summary>Over the pseudo-header and the message: RFC 5798 5.2.8, keepalived, FRR. VRRPv3 over IPv6 always uses it.</summary>
    PseudoHeader = 0,
    /// <summary>Over the VRRP message only: RFC 9568, Cisco, Arista; also VRRPv2 (RFC 3768 5.3.8).</summary>
    MessageOnly = 1,
}

/// <summary>
/// A read-only view of a VRRP message (the IP payload), in the smoltcp style: the length is
/// checked once in <see cref="TryCreate"/>, then the accessors read fixed offsets.
/// </summary>
public readonly ref struct VrrpPacket
{
    /// <summary>Byte offsets of the VRRP header fields (RFC 3768 5.1, RFC 5798 5.1).</summary>
    public static class Field
    {
        /// <summary>Version (high nibble) and type (low nibble).</summary>
        public const int VersionType = 0;
        /// <summary>Virtual Router Identifier.</summary>
        public const int VirtualRouterId = 1;
        /// <summary>Priority.</summary>
        public const int Priority = 2;
        /// <summary>Count of addresses.</summary>
        public const int AddressCount = 3;
        /// <summary>VRRPv2: authentication type (one byte).</summary>
        public const int AuthType = 4;
        /// <summary>VRRPv2: advertisement interval in seconds (one byte).</summary>
        public const int AdvertIntervalV2 = 5;
        /// <summary>VRRPv3: reserved (4 bits) and Max Advertise Interval in centiseconds (12 bits).</summary>
        public const int AdvertIntervalV3 = 4;
        /// <summary>Checksum.</summary>
        public const int Checksum = 6;
        /// <summary>First address.</summary>
        public const int Addresses = 8;
        /// <summary>Length of the fixed header.</summary>
        public const int HeaderLength = 8;
        /// <summary>Length of the VRRPv2 authentication data trailer.</summary>
        public const int AuthDataLength = 8;
    }

    /// <summary>The VRRP type of an advertisement; the only type defined.</summary>
    public const byte AdvertisementType = 1;

    private readonly ReadOnlySpan<byte> _buffer;

    private VrrpPacket(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>Wraps <paramref name="buffer"/> if it holds at least the fixed header.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out VrrpPacket packet)
    {
        packet = new VrrpPacket(buffer);
        return buffer.Length >= Field.HeaderLength;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;
    /// <summary>Version nibble.</summary>
    public int Version => _buffer[Field.VersionType] >> 4;
    /// <summary>Type nibble.</summary>
    public int Type => _buffer[Field.VersionType] & 0x0F;
    /// <summary>Virtual Router Identifier.</summary>
    public byte VirtualRouterId => _buffer[Field.VirtualRouterId];
    /// <summary>Priority.</summary>
    public byte Priority => _buffer[Field.Priority];
    /// <summary>Count of addresses.</summary>
    public byte AddressCount => _buffer[Field.AddressCount];
    /// <summary>VRRPv2 authentication type.</summary>
    public byte AuthType => _buffer[Field.AuthType];
    /// <summary>VRRPv2 advertisement interval, seconds.</summary>
    public byte AdvertIntervalSeconds => _buffer[Field.AdvertIntervalV2];
    /// <summary>VRRPv3 reserved bits (should be zero).</summary>
    public int Reserved => _buffer[Field.AdvertIntervalV3] >> 4;
    /// <summary>VRRPv3 Max Advertise Interval, centiseconds (12 bits).</summary>
    public ushort AdvertIntervalCentiseconds => (ushort)(BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.AdvertIntervalV3..]) & 0x0FFF);
    /// <summary>Checksum field.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.Checksum..]);
}
