using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>
/// A VRRP advertisement as a value (the "repr"): fields in host terms, addresses and
/// authentication data as spans into the packet (or into the sender's own buffers), so parsing
/// and emitting allocate nothing. The interval is always in centiseconds; VRRPv2 carries whole
/// seconds on the wire.
/// </summary>
public readonly ref struct VrrpAdvertisement
{
    /// <summary>Largest VRRPv3 Max Advertise Interval (12 bits), centiseconds.</summary>
    public const ushort MaxIntervalV3 = 0x0FFF;

    // For the parser: a constructor call builds the value in place, where an object initializer
    // builds a temporary and copies it.
    internal VrrpAdvertisement(VrrpVersion version, IpFamily family, byte virtualRouterId, byte priority, ushort interval,
        VrrpAuthType authType, ReadOnlySpan<byte> authData, ReadOnlySpan<byte> addressBytes)
    {
        Version = version;
        Family = family;
        VirtualRouterId = virtualRouterId;
        Priority = priority;
        AdvertIntervalCentiseconds = interval;
        AuthType = authType;
        AuthData = authData;
        AddressBytes = addressBytes;
    }

    /// <summary>Protocol version.</summary>
    public VrrpVersion Version { get; init; }
    /// <summary>Address family of the addresses (and of the IP packet carrying it).</summary>
    public IpFamily Family { get; init; }
    /// <summary>Virtual Router Identifier, 1..255.</summary>
    public byte VirtualRouterId { get; init; }
    /// <summary>Priority: 255 owner, 1..254 backup, 0 master stopping.</summary>
    public byte Priority { get; init; }
    /// <summary>Advertisement interval in centiseconds (VRRPv2: a multiple of 100).</summary>
    public ushort AdvertIntervalCentiseconds { get; init; }
    /// <summary>VRRPv2 authentication type (always <see cref="VrrpAuthType.None"/> for VRRPv3).</summary>
    public VrrpAuthType AuthType { get; init; }
    /// <summary>VRRPv2 authentication data: 8 bytes as on the wire, or empty for none/zero.</summary>
    public ReadOnlySpan<byte> AuthData { get; init; }
    /// <summary>The virtual addresses, packed in network order (4 or 16 bytes each).</summary>
    public ReadOnlySpan<byte> AddressBytes { get; init; }

    /// <summary>Number of addresses.</summary>
    public int AddressCount => Family switch
    {
        // Shifts, not a division by a variable: this is on the per-packet path.
        IpFamily.IPv4 => AddressBytes.Length >> 2,
        IpFamily.IPv6 => AddressBytes.Length >> 4,
        _ => 0,
    };

    /// <summary>The address at <paramref name="index"/>.</summary>
    public IpAddr GetAddress(int index)
    {
        int n = Family.AddressLength();
        return IpAddr.FromBytes(AddressBytes.Slice(index * n, n));
    }

    /// <summary>Length of the emitted message.</summary>
    public int BufferLength =>
        VrrpPacket.Field.HeaderLength + AddressBytes.Length + (Version == VrrpVersion.V2 ? VrrpPacket.Field.AuthDataLength : 0);

    /// <summary>
    /// Parses and checks a VRRP message carried from <paramref name="source"/> to
    /// <paramref name="destination"/>. Checks version, type, address count, interval and checksum;
    /// authentication against configuration is checked by the receiver. For VRRPv3 over IPv4 both
    /// checksum conventions are accepted and <paramref name="convention"/> says which matched.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> message, IpAddr source, IpAddr destination,
        out VrrpAdvertisement advertisement, out ChecksumConvention convention)
    {
        advertisement = default;
        convention = ChecksumConvention.PseudoHeader;
        if (!VrrpPacket.TryCreate(message, out VrrpPacket packet)) return ParseError.Truncated;

        IpFamily family = source.Family;
        // Without a source address there is no family to read addresses in.
        if (family == IpFamily.None || destination.Family != family) return ParseError.BadIpVersion;
        int version = packet.Version;
        if (version != 2 && version != 3) return ParseError.BadVersion;
        if (version == 2 && family != IpFamily.IPv4) return ParseError.VersionFamilyMismatch;
        if (packet.Type != VrrpPacket.AdvertisementType) return ParseError.BadType;

        // RFC 3768 5.3.6: type 0 (none); 1 and 2 are kept for RFC 2338's simple text and IP AH.
        // Anything else (Cisco's MD5, 254, with a trailer of its own) is named before the length
        // check, which it would fail for a reason that hides the real one.
        if (version == 2 && packet.AuthType > (byte)VrrpAuthType.IpAuthenticationHeader) return ParseError.UnsupportedAuthType;

        int addressLength = family.AddressLength();
        int trailer = version == 2 ? VrrpPacket.Field.AuthDataLength : 0;
        int count = packet.AddressCount;
        if (count == 0) return ParseError.NoAddresses;
        // RFC 5798 7.1: the address count must match the length; keepalived is as strict.
        int expected = VrrpPacket.Field.HeaderLength + count * addressLength + trailer;
        if (expected > message.Length) return ParseError.AddressCountMismatch;
        if (expected < message.Length) return ParseError.TrailingData;

        if (version == 2)
        {
            // RFC 3768 5.3.8: checksum over the VRRP message only.
            if (!Checksum.Verify(message)) return ParseError.BadChecksum;
            convention = ChecksumConvention.MessageOnly;
        }
        else
        {
            // RFC 5798 5.2.8 with the pseudo-header; RFC 9568 / Cisco over the message only (IPv4).
            ulong pseudo = Checksum.PseudoHeader(source, destination, Checksum.VrrpProtocol, message.Length);
            if (Checksum.Verify(message, pseudo)) convention = ChecksumConvention.PseudoHeader;
            else if (family == IpFamily.IPv4 && Checksum.Verify(message)) convention = ChecksumConvention.MessageOnly;
            else return ParseError.BadChecksum;
        }

        ushort interval = version == 2 ? (ushort)(packet.AdvertIntervalSeconds * 100) : packet.AdvertIntervalCentiseconds;
        if (interval == 0) return ParseError.ZeroAdvertInterval;

        ReadOnlySpan<byte> addresses = message.Slice(VrrpPacket.Field.Addresses, count * addressLength);
        advertisement = new VrrpAdvertisement((VrrpVersion)version, family, packet.VirtualRouterId, packet.Priority, interval,
            version == 2 ? (VrrpAuthType)packet.AuthType : VrrpAuthType.None,
            version == 2 ? message.Slice(VrrpPacket.Field.Addresses + addresses.Length, VrrpPacket.Field.AuthDataLength) : default,
            addresses);
        return ParseError.None;
    }

    /// <summary>
    /// Writes the message with its checksum and returns its length. <paramref name="source"/>
    /// and <paramref name="destination"/> are the IP addresses of the packet (the real unicast
    /// destination for unicast peers); they matter only for the VRRPv3 pseudo-header.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is too small or a field is out of range for the version.</exception>
    public int Emit(Span<byte> buffer, IpAddr source, IpAddr destination, ChecksumConvention convention = ChecksumConvention.PseudoHeader)
    {
        int length = BufferLength;
        if (buffer.Length < length) ThrowHelper.BufferTooSmall(length, buffer.Length);
        int addressLength = Family.AddressLength();
        if (addressLength == 0 || (AddressBytes.Length & (addressLength - 1)) != 0 || AddressCount > 255) ThrowHelper.Argument("address bytes do not hold whole addresses of the family (at most 255)");
        if (Version is not (VrrpVersion.V2 or VrrpVersion.V3)) ThrowHelper.Argument("the version is VRRPv2 or VRRPv3");
        if (Version == VrrpVersion.V2 && Family != IpFamily.IPv4) ThrowHelper.Argument("VRRPv2 is defined for IPv4 only (RFC 3768)");
        if (AdvertIntervalCentiseconds == 0) ThrowHelper.Argument("an advertisement interval of zero is rejected by every receiver");

        Span<byte> message = buffer[..length];
        message[VrrpPacket.Field.VersionType] = (byte)(((int)Version << 4) | VrrpPacket.AdvertisementType);
        message[VrrpPacket.Field.VirtualRouterId] = VirtualRouterId;
        message[VrrpPacket.Field.Priority] = Priority;
        message[VrrpPacket.Field.AddressCount] = (byte)AddressCount;
        BinaryPrimitives.WriteUInt16BigEndian(message[VrrpPacket.Field.Checksum..], 0);
        AddressBytes.CopyTo(message[VrrpPacket.Field.Addresses..]);

        ulong initial = 0;
        if (Version == VrrpVersion.V2)
        {
            if (AdvertIntervalCentiseconds % 100 != 0 || AdvertIntervalCentiseconds / 100 > 255) ThrowHelper.Argument("VRRPv2 carries whole seconds, 1..255");
            message[VrrpPacket.Field.AuthType] = (byte)AuthType;
            message[VrrpPacket.Field.AdvertIntervalV2] = (byte)(AdvertIntervalCentiseconds / 100);
            Span<byte> auth = message.Slice(VrrpPacket.Field.Addresses + AddressBytes.Length, VrrpPacket.Field.AuthDataLength);
            auth.Clear();
            AuthData[..Math.Min(AuthData.Length, VrrpPacket.Field.AuthDataLength)].CopyTo(auth);
        }
        else
        {
            if (AdvertIntervalCentiseconds > MaxIntervalV3) ThrowHelper.Argument("VRRPv3 Max Advertise Interval is 12 bits");
            BinaryPrimitives.WriteUInt16BigEndian(message[VrrpPacket.Field.AdvertIntervalV3..], AdvertIntervalCentiseconds);
            if (convention == ChecksumConvention.PseudoHeader || Family == IpFamily.IPv6)
                initial = Checksum.PseudoHeader(source, destination, Checksum.VrrpProtocol, length);
        }
        BinaryPrimitives.WriteUInt16BigEndian(message[VrrpPacket.Field.Checksum..], Checksum.Compute(message, initial));
        return length;
    }

    /// <summary>True if every field and the address and authentication bytes are equal.</summary>
    public bool ContentEquals(in VrrpAdvertisement other) =>
        Version == other.Version && Family == other.Family && VirtualRouterId == other.VirtualRouterId &&
        Priority == other.Priority && AdvertIntervalCentiseconds == other.AdvertIntervalCentiseconds &&
        AuthType == other.AuthType && AddressBytes.SequenceEqual(other.AddressBytes) &&
        AuthDataEquals(AuthData, other.AuthData);

    // Empty authentication data means eight zero bytes, as emitted.
    private static bool AuthDataEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < VrrpPacket.Field.AuthDataLength; i++)
        {
            byte x = i < a.Length ? a[i] : (byte)0, y = i < b.Length ? b[i] : (byte)0;
            if (x != y) return false;
        }
        return true;
    }

    /// <summary>Packs addresses into the byte form <see cref="AddressBytes"/> holds (allocates; for configuration time).</summary>
    public static byte[] PackAddresses(ReadOnlySpan<IpAddr> addresses)
    {
        if (addresses.IsEmpty) return [];
        IpFamily family = addresses[0].Family;
        byte[] bytes = new byte[addresses.Length * family.AddressLength()];
        int offset = 0;
        foreach (IpAddr address in addresses)
        {
            if (address.Family != family) ThrowHelper.Argument("all addresses of an advertisement are of one family");
            offset += address.WriteTo(bytes.AsSpan(offset));
        }
        return bytes;
    }
}
