using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

public class MacAddressTests
{
    [Theory]
    [InlineData("ba:6e:9b:2b:22:3d", "ba:6e:9b:2b:22:3d")]
    [InlineData("BA-6E-9B-2B-22-3D", "ba:6e:9b:2b:22:3d")]
    [InlineData("00:00:5e:00:01:04", "00:00:5e:00:01:04")]
    public void Parses_and_prints_lower_case_colon_form(string text, string expected)
    {
        Assert.True(MacAddress.TryParse(text, out MacAddress mac));
        Assert.Equal(expected, mac.ToString());
        Assert.Equal(mac, MacAddress.Parse(expected));
        Span<char> chars = stackalloc char[17];
        Assert.True(mac.TryFormat(chars, out int written, default, null));
        Assert.Equal(expected, chars[..written].ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ba:6e:9b:2b:22")]
    [InlineData("ba:6e:9b:2b:22:3d:00")]
    [InlineData("ba:6e:9b-2b:22:3d")]
    [InlineData("ba:6e:9b:2b:22:3g")]
    [InlineData("ba.6e.9b.2b.22.3d")]
    public void Rejects_malformed_text(string text)
    {
        Assert.False(MacAddress.TryParse(text, out _));
        Assert.Throws<FormatException>(() => MacAddress.Parse(text));
    }

    [Fact]
    public void Bytes_round_trip()
    {
        byte[] bytes = [0xba, 0x6e, 0x9b, 0x2b, 0x22, 0x3d];
        MacAddress mac = MacAddress.FromBytes(bytes);
        byte[] written = new byte[6];
        Assert.Equal(6, mac.WriteTo(written));
        Assert.Equal(bytes, written);
        Assert.Equal(0xba6e9b2b223dUL, mac.Value);
        Assert.False(mac.IsMulticast);
        Assert.Throws<ArgumentException>(() => MacAddress.FromBytes(bytes.AsSpan(1)));
    }

    [Theory]
    // RFC 5798 7.3
    [InlineData(IpFamily.IPv4, 4, "00:00:5e:00:01:04")]
    [InlineData(IpFamily.IPv4, 255, "00:00:5e:00:01:ff")]
    [InlineData(IpFamily.IPv6, 61, "00:00:5e:00:02:3d")]
    public void Virtual_router_mac(IpFamily family, byte vrid, string expected) =>
        Assert.Equal(expected, MacAddress.VirtualRouter(family, vrid).ToString());

    [Theory]
    [InlineData("224.0.0.18", "01:00:5e:00:00:12")]
    [InlineData("239.255.129.1", "01:00:5e:7f:81:01")] // only the low 23 bits map (RFC 1112 6.4)
    [InlineData("ff02::12", "33:33:00:00:00:12")]
    [InlineData("ff02::1", "33:33:00:00:00:01")]
    [InlineData("ff02::1:ff2b:223d", "33:33:ff:2b:22:3d")]
    public void Multicast_mapping(string group, string expected)
    {
        MacAddress mac = MacAddress.MulticastFor(IpAddr.Parse(group));
        Assert.Equal(expected, mac.ToString());
        Assert.True(mac.IsMulticast);
    }

    [Fact]
    public void Unicast_group_and_family_none_are_programmer_errors()
    {
        Assert.Throws<ArgumentException>(() => MacAddress.MulticastFor(IpAddr.Parse("10.0.0.1")));
        Assert.Throws<ArgumentException>(() => MacAddress.VirtualRouter(IpFamily.None, 1));
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.Equal("ff:ff:ff:ff:ff:ff", MacAddress.Broadcast.ToString());
    }
}
