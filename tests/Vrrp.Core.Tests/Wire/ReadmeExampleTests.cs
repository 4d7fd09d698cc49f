using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

/// <summary>The examples of src/Vrrp.Core/README.md ("Wire"), as written there, so they keep compiling and working.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Send_example_builds_frames_the_receive_example_accepts()
    {
        // Once, at configuration time (allocates):
        byte[] addresses = VrrpAdvertisement.PackAddresses([IpAddr.Parse("192.168.1.4")]);

        // Every advertisement interval (allocates nothing):
        var advert = new VrrpAdvertisement
        {
            Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = 4, Priority = 245,
            AdvertIntervalCentiseconds = 100, AddressBytes = addresses,
        };
        Span<byte> buffer = stackalloc byte[VrrpFrame.GetFrameLength(advert)];
        int length = VrrpFrame.Write(buffer,
            sourceMac: MacAddress.VirtualRouter(IpFamily.IPv4, 4),              // 00:00:5e:00:01:04
            destinationMac: MacAddress.MulticastFor(IpAddr.VrrpMulticastV4),   // 01:00:5e:00:00:12
            source: IpAddr.Parse("192.168.1.2"), destination: IpAddr.VrrpMulticastV4, advert);

        Span<byte> garp = stackalloc byte[GratuitousArp.FrameLength];
        GratuitousArp.Write(garp, MacAddress.VirtualRouter(IpFamily.IPv4, 4), IpAddr.Parse("192.168.1.4"));
        Span<byte> na = stackalloc byte[NeighborAdvertisement.FrameLength];
        NeighborAdvertisement.Write(na, MacAddress.VirtualRouter(IpFamily.IPv6, 4), IpAddr.Parse("2001:db8::4"));

        Assert.Equal(46, length);
        Assert.Equal("Announced 245 ChecksumConvention.PseudoHeader", Receive(buffer[..length].ToArray(), "secret1"u8));
        Assert.Equal(ParseError.None, GratuitousArp.TryParse(garp, out _));
        Assert.Equal(ParseError.None, NeighborAdvertisement.TryParse(na, out _));

        int[] counters = new int[256];
        Assert.Equal("dropped", Receive(buffer[..20].ToArray(), "secret1"u8, counters));
        Assert.Equal(1, counters[(int)ParseError.Truncated]);
    }

    private static string Receive(byte[] frame, ReadOnlySpan<byte> password, int[]? counters = null)
    {
        counters ??= new int[256];
        ParseError error = VrrpFrame.TryParse(frame, out ReceivedAdvertisement received);
        if (error != ParseError.None)
        {
            counters[(int)error]++;   // Truncated, BadTtl, BadChecksum, AddressCountMismatch, ...
            return "dropped";
        }
        VrrpAdvertisement advert = received.Advertisement;   // spans point into `frame`
        // Checks that need configuration are yours: VRID, version, and for VRRPv2 the password.
        if (Authentication.Check(advert, VrrpAuthType.SimpleText, password) != ParseError.None) return "auth";
        return $"Announced {advert.Priority} ChecksumConvention.{received.Convention}";
    }
}
