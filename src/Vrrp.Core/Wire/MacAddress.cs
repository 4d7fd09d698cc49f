using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Vrrp.Core.Wire;

/// <summary>
/// A 48-bit Ethernet MAC address held as a value. <see cref="ToString()"/> gives the lower-case
/// colon form (<c>ba:6e:9b:2b:22:3d</c>) that <c>ip link</c> and keepalived print.
/// </summary>
public readonly struct MacAddress : IEquatable<MacAddress>, ISpanFormattable
{
    /// <summary>Length of a MAC address in bytes.</summary>
    public const int Length = 6;

    // The six bytes as a big-endian number in the low 48 bits.
    private readonly ulong _value;

    private MacAddress(ulong value) => _value = value & 0xFFFF_FFFF_FFFF;

    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast { get; } = new(0xFFFF_FFFF_FFFF);

    /// <summary>The address as a number whose big-endian 48-bit form is the wire form.</summary>
    public ulong Value => _value;

    /// <summary>True for a group address (the I/G bit, the lowest bit of the first byte, is set).</summary>
    public bool IsMulticast => (_value & 0x0100_0000_0000) != 0;

    /// <summary>True for ff:ff:ff:ff:ff:ff.</summary>
    public bool IsBroadcast => _value == 0xFFFF_FFFF_FFFF;

    /// <summary>A MAC address from the 48-bit number whose big-endian form is the wire form.</summary>
    public static MacAddress FromValue(ulong value) => new(value);

    /// <summary>Reads a MAC address from the first 6 bytes of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 6 bytes.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MacAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Length) ThrowHelper.BufferTooSmall(Length, bytes.Length);
        return new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]));
    }

    /// <summary>Writes the 6 bytes in wire order; returns 6.</summary>
    /// <exception cref="ArgumentException">Fewer than 6 bytes of room.</exception>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length) ThrowHelper.BufferTooSmall(Length, destination.Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)_value);
        return Length;
    }

    /// <summary>
    /// The virtual router MAC address of <paramref name="vrid"/>: 00:00:5e:00:01:VRID for IPv4 and
    /// 00:00:5e:00:02:VRID for IPv6 (RFC 5798 7.3; RFC 3768 7.3 for IPv4).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="family"/> is neither IPv4 nor IPv6.</exception>
    public static MacAddress VirtualRouter(IpFamily family, byte vrid) => family switch
    {
        IpFamily.IPv4 => new(0x0000_5E00_0100UL | vrid),
        IpFamily.IPv6 => new(0x0000_5E00_0200UL | vrid),
        _ => ThrowNoFamily(),
    };

    /// <summary>
    /// The Ethernet group address an IP multicast group maps to: 01:00:5e plus the low 23 bits
    /// (RFC 1112 6.4) or 33:33 plus the low 32 bits (RFC 2464 7).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="group"/> is not a multicast address.</exception>
    public static MacAddress MulticastFor(IpAddr group)
    {
        if (!group.IsMulticast) ThrowHelper.Argument($"{group} is not a multicast address");
        if (group.IsIPv4) return new(0x0100_5E00_0000UL | (group.V4Value & 0x7F_FFFF));
        return new(0x3333_0000_0000UL | (group.Low & 0xFFFF_FFFF));
    }

    /// <summary>Parses six hexadecimal byte pairs separated by ':' or '-' (<c>aa:bb:cc:dd:ee:ff</c>).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress address)
    {
        address = default;
        if (text.Length != 17) return false;
        char separator = text[2];
        if (separator != ':' && separator != '-') return false;
        ulong value = 0;
        for (int i = 0; i < Length; i++)
        {
            int at = i * 3;
            if (i > 0 && text[at - 1] != separator) return false;
            int high = HexValue(text[at]), low = HexValue(text[at + 1]);
            if (high < 0 || low < 0) return false;
            value = (value << 8) | (uint)(high << 4 | low);
        }
        address = new(value);
        return true;
    }

    /// <summary>Parses six hexadecimal byte pairs separated by ':' or '-'.</summary>
    /// <exception cref="FormatException">The text is not a MAC address.</exception>
    public static MacAddress Parse(string text) =>
        TryParse(text, out MacAddress address) ? address : throw new FormatException($"'{text}' is not a MAC address (aa:bb:cc:dd:ee:ff)");

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <inheritdoc/>
    public bool Equals(MacAddress other) => _value == other._value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MacAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(MacAddress left, MacAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MacAddress left, MacAddress right) => !left.Equals(right);

    /// <summary>The lower-case colon form, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public override string ToString() => string.Create(17, _value, static (chars, value) => Format(value, chars));

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < 17)
        {
            charsWritten = 0;
            return false;
        }
        Format(_value, destination);
        charsWritten = 17;
        return true;
    }

    private static void Format(ulong value, Span<char> chars)
    {
        const string digits = "0123456789abcdef";
        for (int i = 0; i < Length; i++)
        {
            int b = (int)(value >> (8 * (Length - 1 - i))) & 0xFF;
            if (i > 0) chars[i * 3 - 1] = ':';
            chars[i * 3] = digits[b >> 4];
            chars[i * 3 + 1] = digits[b & 0xF];
        }
    }

    [DoesNotReturn]
    private static MacAddress ThrowNoFamily() => throw new ArgumentException("A virtual router MAC needs an IPv4 or IPv6 family.", "family");
}
