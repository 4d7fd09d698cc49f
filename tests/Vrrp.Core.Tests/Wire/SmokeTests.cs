using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

public class SmokeTests
{
    [Theory]
    // keepalived-v3-ipv4-2vips.pcap frame 0: VRRP payload from 10.99.0.11 to 224.0.0.18
    [InlineData("3133c8020032046a0a6301330a630134", "10.99.0.11", "224.0.0.18", ChecksumConvention.PseudoHeader)]
    // keepalived-v2-vrid4.pcap frame 0
    [InlineData("2104f5010001284cc0a801040000000000000000", "10.99.0.11", "224.0.0.18", ChecksumConvention.MessageOnly)]
    // keepalived-v3-ipv6.pcap frame 0
    [InlineData("313db40200647a5afe80000000000000000000000000006120010db8000000000000000000000061", "fe80::b86e:9bff:fe2b:223d", "ff02::12", ChecksumConvention.PseudoHeader)]
    public void Keepalived_payload_parses_and_reemits_identically(string hex, string src, string dst, ChecksumConvention expected)
    {
        byte[] bytes = Convert.FromHexString(hex);
        var source = IpAddr.Parse(src);
        var destination = IpAddr.Parse(dst);
        Assert.Equal(ParseError.None, VrrpAdvertisement.TryParse(bytes, source, destination, out var advert, out var convention));
        Assert.Equal(expected, convention);
        var buffer = new byte[advert.BufferLength];
        advert.Emit(buffer, source, destination, convention);
        Assert.Equal(hex, Convert.ToHexString(buffer).ToLowerInvariant());
    }
}
