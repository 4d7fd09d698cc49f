using Vrrp.Core.Wire;

namespace Vrrp.Linux.Tests;

/// <summary>Frames for the namespace tests, built with Vrrp.Core.</summary>
internal static class Frames
{
    /// <summary>An advert of <paramref name="vip"/>, listed <paramref name="copies"/> times (to make a long frame).</summary>
    public static int Advert(Span<byte> buffer, MacAddress sourceMac, IpAddr source, byte vrid, IpAddr vip, byte priority = 100, int copies = 1)
    {
        IpFamily family = source.Family;
        Span<byte> addresses = stackalloc byte[16 * copies];
        int n = 0;
        for (int i = 0; i < copies; i++)
            n += vip.WriteTo(addresses[n..]);
        var advert = new VrrpAdvertisement
        {
            Version = VrrpVersion.V3,
            Family = family,
            VirtualRouterId = vrid,
            Priority = priority,
            AdvertIntervalCentiseconds = 100,
            AddressBytes = addresses[..n],
        };
        IpAddr group = family == IpFamily.IPv4 ? IpAddr.VrrpMulticastV4 : IpAddr.VrrpMulticastV6;
        return VrrpFrame.Write(buffer, sourceMac, MacAddress.MulticastFor(group), source, group, advert);
    }

    /// <summary>A frame the VRRP filter must drop: ARP, UDP, ICMPv6, or an unknown EtherType, by <paramref name="kind"/>.</summary>
    public static byte[] Noise(MacAddress sourceMac, int kind)
    {
        var frame = new byte[128];
        MacAddress.MulticastFor(IpAddr.VrrpMulticastV4).WriteTo(frame);
        sourceMac.WriteTo(frame.AsSpan(6));
        switch (kind % 4)
        {
            case 0:
                return frame[..GratuitousArp.Write(frame, sourceMac, IpAddr.Parse("10.0.0.9"))];
            case 1: // IPv4 UDP to 224.0.0.18
                frame[12] = 0x08; frame[14] = 0x45; frame[16] = 0; frame[17] = 28; frame[22] = 255; frame[23] = 17;
                frame[26] = 10; frame[29] = 1; frame[30] = 224; frame[33] = 18;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), Checksum.Compute(frame.AsSpan(14, 20)));
                frame[35] = 9; frame[37] = 9; frame[39] = 8; // UDP ports 9 -> 9, length 8
                return frame[..64];
            case 2: // IPv6 ICMPv6 (NA)
                return frame[..NeighborAdvertisement.Write(frame, sourceMac, IpAddr.Parse("fd00::9"))];
            default: // local experimental EtherType 0x88b5 carrying 112 where IPv4 keeps its protocol
                frame[12] = 0x88; frame[13] = 0xb5; frame[23] = 112;
                return frame[..64];
        }
    }
}
