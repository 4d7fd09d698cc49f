using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Vrrp.Core.Wire;

/// <summary>The address family of an <see cref="IpAddr"/>.</summary>
public enum IpFamily : byte
{
    /// <summary>No address (the default value).</summary>
    None = 0,
    /// <summary>IPv4, 4-byte addresses.</summary>
    IPv4 = 4,
    /// <summary>IPv6, 16-byte addresses.</summary>
    IPv6 = 6,
}

/// <summary>Helpers for <see cref="IpFamily"/>.</summary>
public static class IpFamilyExtensions
{
    /// <summary>Length in bytes of an address of this family (4, 16, or 0 for <see cref="IpFamily.None"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AddressLength(this IpFamily family) => family switch
    {
        IpFamily.IPv4 => 4,
        IpFamily.IPv6 => 16,
        _ => 0,
    };
}

/// <summary>
/// An IPv4 or IPv6 address held as a fixed-size value, so the hot path never allocates an
/// <see cref="IPAddress"/>. Ordering compares the family, then the bytes as an unsigned
/// number in network order, which is the order RFC 5798 6.4.3 uses to break priority ties.
/// </summary>
public readonly struct IpAddr : IEquatable<IpAddr>, IComparable<IpAddr>, ISpanFormattable
{
    // Bytes 0..7 and 8..15 of the address, big-endian; an IPv4 address sits in the top 32 bits of _high.
    private readonly ulong _high;
    private readonly ulong _low;

    private IpAddr(IpFamily family, ulong high, ulong low)
    {
        Family = family;
        _high = high;
        _low = low;
    }

    /// <summary>The family, or <see cref="IpFamily.None"/> for <c>default</c>.</summary>
    public IpFamily Family { get; }

    /// <summary>Length of the address in bytes (4 or 16).</summary>
    public int ByteLength => Family.AddressLength();

    /// <summary>True for an IPv4 address.</summary>
    public bool IsIPv4 => Family == IpFamily.IPv4;

    /// <summary>True for an IPv6 address.</summary>
    public bool IsIPv6 => Family == IpFamily.IPv6;

    /// <summary>True for an IPv6 link-local unicast address (fe80::/10).</summary>
    public bool IsIPv6LinkLocal => Family == IpFamily.IPv6 && (_high >> 54) == 0x3FA;

    /// <summary>True for 0.0.0.0 and ::, the unspecified addresses.</summary>
    public bool IsUnspecified => Family != IpFamily.None && _high == 0 && _low == 0;

    /// <summary>True for a multicast address (224.0.0.0/4 or ff00::/8).</summary>
    public bool IsMulticast => Family switch
    {
        IpFamily.IPv4 => (_high >> 60) == 0xE,
        IpFamily.IPv6 => (_high >> 56) == 0xFF,
        _ => false,
    };

    // Bytes 0..7 and 8..15 in network order as numbers, for checksums without a copy.
    internal ulong High => _high;
    internal ulong Low => _low;

    /// <summary>The IPv4 address as a host-order integer (only meaningful for IPv4).</summary>
    public uint V4Value => (uint)(_high >> 32);

    /// <summary>224.0.0.18, the VRRP IPv4 multicast group (RFC 5798 5.1.1.2).</summary>
    public static IpAddr VrrpMulticastV4 { get; } = FromV4(0xE0000012);

    /// <summary>ff02::12, the VRRP IPv6 multicast group (RFC 5798 5.1.2.2).</summary>
    public static IpAddr VrrpMulticastV6 { get; } = new(IpFamily.IPv6, 0xFF02_0000_0000_0000, 0x12);

    /// <summary>ff02::1, the IPv6 all-nodes group, destination of unsolicited neighbour advertisements.</summary>
    public static IpAddr AllNodesV6 { get; } = new(IpFamily.IPv6, 0xFF02_0000_0000_0000, 0x1);

    /// <summary>An IPv4 address from its host-order integer value.</summary>
    public static IpAddr FromV4(uint value) => new(IpFamily.IPv4, (ulong)value << 32, 0);

    /// <summary>An IPv6 address from its two big-endian halves.</summary>
    public static IpAddr FromV6(ulong high, ulong low) => new(IpFamily.IPv6, high, low);

    /// <summary>Reads an address from 4 (IPv4) or 16 (IPv6) bytes in network order.</summary>
    /// <exception cref="ArgumentException">The span is neither 4 nor 16 bytes long.</exception>
    public static IpAddr FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => FromV4(BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => new(IpFamily.IPv6, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])),
        _ => ThrowBadLength(bytes.Length),
    };

    /// <summary>Reads an address of the given family from the start of <paramref name="bytes"/>.</summary>
    public static IpAddr Read(IpFamily family, ReadOnlySpan<byte> bytes) => FromBytes(bytes[..family.AddressLength()]);

    /// <summary>Writes the address in network order; returns the number of bytes written (4 or 16).</summary>
    public int WriteTo(Span<byte> destination)
    {
        switch (Family)
        {
            case IpFamily.IPv4:
                BinaryPrimitives.WriteUInt32BigEndian(destination, V4Value);
                return 4;
            case IpFamily.IPv6:
                BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
                BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
                return 16;
            default:
                return 0;
        }
    }

    /// <summary>Converts from <see cref="IPAddress"/> (allocation-free on the way in).</summary>
    public static IpAddr FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        return FromBytes(bytes[..written]);
    }

    /// <summary>Converts to <see cref="IPAddress"/> (allocates; not for hot paths).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        int n = WriteTo(bytes);
        return n == 0 ? IPAddress.None : new IPAddress(bytes[..n]);
    }

    /// <summary>Parses textual IPv4 or IPv6 notation.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddr address)
    {
        if (IPAddress.TryParse(text, out IPAddress? parsed) &&
            (parsed.AddressFamily == AddressFamily.InterNetwork || (parsed.AddressFamily == AddressFamily.InterNetworkV6 && parsed.ScopeId == 0)))
        {
            address = FromIPAddress(parsed);
            return true;
        }
        address = default;
        return false;
    }

    /// <summary>Parses textual IPv4 or IPv6 notation.</summary>
    /// <exception cref="FormatException">The text is not an address.</exception>
    public static IpAddr Parse(string text) =>
        TryParse(text, out IpAddr address) ? address : throw new FormatException($"'{text}' is not an IPv4 or IPv6 address");

    /// <inheritdoc/>
    public bool Equals(IpAddr other) => Family == other.Family && _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is IpAddr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family, _high, _low);

    /// <summary>Compares family first, then the address as an unsigned big-endian number.</summary>
    public int CompareTo(IpAddr other)
    {
        int c = Family.CompareTo(other.Family);
        if (c != 0) return c;
        c = _high.CompareTo(other._high);
        return c != 0 ? c : _low.CompareTo(other._low);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(IpAddr left, IpAddr right) => left.Equals(right);
    /// <summary>Inequality.</summary>
    public static bool operator !=(IpAddr left, IpAddr right) => !left.Equals(right);
    /// <summary>Unsigned network-order comparison.</summary>
    public static bool operator <(IpAddr left, IpAddr right) => left.CompareTo(right) < 0;
    /// <summary>Unsigned network-order comparison.</summary>
    public static bool operator >(IpAddr left, IpAddr right) => left.CompareTo(right) > 0;
    /// <summary>Unsigned network-order comparison.</summary>
    public static bool operator <=(IpAddr left, IpAddr right) => left.CompareTo(right) <= 0;
    /// <summary>Unsigned network-order comparison.</summary>
    public static bool operator >=(IpAddr left, IpAddr right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    public override string ToString() => Family == IpFamily.None ? "(none)" : ToIPAddress().ToString();

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (Family == IpFamily.IPv4)
        {
            // Allocation-free for the common case; IPv6 goes through IPAddress.
            uint v = V4Value;
            return destination.TryWrite(provider, $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}", out charsWritten);
        }
        return ToIPAddress().TryFormat(destination, out charsWritten);
    }

    [DoesNotReturn]
    private static IpAddr ThrowBadLength(int length) =>
        throw new ArgumentException($"An IP address is 4 or 16 bytes, not {length}.", "bytes");
}
