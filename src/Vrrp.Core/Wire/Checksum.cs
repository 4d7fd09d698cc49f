using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vrrp.Core.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum.
/// Partial sums are carried in a 64-bit accumulator so pieces (pseudo-header, message) can be
/// summed separately and combined by addition; every piece must start at an even offset of the
/// checksummed data, which holds for every use in VRRP, ICMPv6 and IPv4 headers.
/// </summary>
public static class Checksum
{
    /// <summary>The IP protocol number / IPv6 next header of VRRP.</summary>
    public const byte VrrpProtocol = 112;

    /// <summary>The IPv6 next header of ICMPv6.</summary>
    public const byte Icmpv6Protocol = 58;

    /// <summary>Adds <paramref name="data"/> to a running sum. An odd trailing byte is padded with zero.</summary>
    public static ulong Accumulate(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        // RFC 1071 2(B): the one's complement sum does not depend on byte order, so the data is
        // summed in native 64-bit words with end-around carry (2^64 == 1 mod 2^16 - 1), folded,
        // and only the 16-bit result is put in network order.
        ulong native = 0;
        while (data.Length >= 8)
        {
            native = AddWithCarry(native, MemoryMarshal.Read<ulong>(data));
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            native = AddWithCarry(native, MemoryMarshal.Read<uint>(data));
            data = data[4..];
        }
        if (data.Length >= 2)
        {
            native = AddWithCarry(native, MemoryMarshal.Read<ushort>(data));
            data = data[2..];
        }
        if (data.Length == 1)
        {
            // The lone byte is the high-order byte of a network-order word.
            native = AddWithCarry(native, BitConverter.IsLittleEndian ? data[0] : (ulong)data[0] << 8);
        }
        ushort folded = Fold(native);
        return sum + (BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(folded) : folded);
    }

    private static ulong AddWithCarry(ulong sum, ulong value)
    {
        sum += value;
        return sum + (sum < value ? 1UL : 0UL);
    }

    /// <summary>Folds a running sum to 16 bits with end-around carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum field value for a running sum: the one's complement of the folded sum.</summary>
    public static ushort Finish(ulong sum) => (ushort)~Fold(sum);

    /// <summary>The checksum of <paramref name="data"/> alone (the checksum field must be zero in it).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, ulong initial = 0) => Finish(Accumulate(data, initial));

    /// <summary>True if data whose checksum field is filled in sums to all ones, i.e. verifies.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, ulong initial = 0) => Fold(Accumulate(data, initial)) == 0xFFFF;

    /// <summary>
    /// The sum of the IPv4 pseudo-header (source, destination, zero, protocol, length) as used by
    /// UDP/TCP (RFC 768) and by VRRPv3 over IPv4 (RFC 5798 5.2.8).
    /// </summary>
    public static ulong PseudoHeaderV4(IpAddr source, IpAddr destination, byte protocol, int length) =>
        (ulong)source.V4Value + destination.V4Value + protocol + (uint)length;

    /// <summary>The sum of the IPv6 pseudo-header (RFC 8200 8.1), used by VRRPv3 over IPv6 and by ICMPv6.</summary>
    public static ulong PseudoHeaderV6(IpAddr source, IpAddr destination, byte nextHeader, int length) =>
        SumHalves(source.High) + SumHalves(source.Low) + SumHalves(destination.High) + SumHalves(destination.Low) + (uint)length + nextHeader;

    // A 64-bit network-order word as the sum of its two 32-bit halves (each a sum of 16-bit words mod 2^16 - 1).
    private static ulong SumHalves(ulong word) => (word >> 32) + (word & 0xFFFF_FFFF);

    /// <summary>The pseudo-header sum for the family of <paramref name="source"/>.</summary>
    public static ulong PseudoHeader(IpAddr source, IpAddr destination, byte protocol, int length) =>
        source.IsIPv6
            ? PseudoHeaderV6(source, destination, protocol, length)
            : PseudoHeaderV4(source, destination, protocol, length);
}
