using System.Buffers.Binary;
using Vrrp.Core.Wire;

namespace Vrrpd.Demo;

/// <summary>ICMP echo request and reply layout (RFC 792), for the demo's prober.</summary>
internal static class IcmpEcho
{
    public const int Length = 8;
    private const byte EchoReply = 0;
    private const byte EchoRequest = 8;

    /// <summary>Writes an echo request (no payload) into <paramref name="buffer"/>; returns its length.</summary>
    public static int WriteRequest(Span<byte> buffer, ushort identifier, ushort sequence)
    {
        Span<byte> message = buffer[..Length];
        message.Clear();
        message[0] = EchoRequest;
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], sequence);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum.Compute(message));
        return Length;
    }

    /// <summary>
    /// Reads an IPv4 packet as a raw ICMP socket delivers it (IP header included): true and the
    /// sequence number when it is an echo reply carrying <paramref name="identifier"/>.
    /// </summary>
    public static bool TryReadReply(ReadOnlySpan<byte> packet, ushort identifier, out ushort sequence)
    {
        sequence = 0;
        if (packet.Length < 20 || packet[0] >> 4 != 4)
            return false;
        int headerLength = (packet[0] & 0x0F) * 4;
        if (packet.Length < headerLength + Length)
            return false;
        ReadOnlySpan<byte> icmp = packet[headerLength..];
        if (icmp[0] != EchoReply || icmp[1] != 0 || BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) != identifier)
            return false;
        sequence = BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);
        return true;
    }
}
