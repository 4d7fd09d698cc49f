using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Tests;

public class NetlinkCodecTests
{
    // RTM_NEWADDR as the kernel sends it for `ip addr add 10.1.0.1/24 brd + dev eth0` on ifindex 2
    // (little-endian host; attribute order of inet_fill_ifaddr).
    private const string NewAddrHex =
        "4c000000" + "1400" + "0000" + "00000000" + "00000000" +   // nlmsghdr: len 76, RTM_NEWADDR, seq 0, pid 0
        "02" + "18" + "80" + "00" + "02000000" +                   // ifaddrmsg: AF_INET, /24, PERMANENT, universe, ifindex 2
        "0800" + "0100" + "0a010001" +                             // IFA_ADDRESS 10.1.0.1
        "0800" + "0200" + "0a010001" +                             // IFA_LOCAL 10.1.0.1
        "0800" + "0400" + "0a0100ff" +                             // IFA_BROADCAST 10.1.0.255
        "0900" + "0300" + "6574683000" + "000000" +                // IFA_LABEL "eth0" + padding
        "0800" + "0800" + "80000000" +                             // IFA_FLAGS 0x80
        "0500" + "0b00" + "70" + "000000";                         // IFA_PROTO 112 + padding

    // NLMSG_ERROR -EEXIST for seq 7 with NETLINK_CAP_ACK (request header only) and an extended-ACK message.
    private const string ErrorHex =
        "38000000" + "0200" + "0003" + "07000000" + "a0860100" +   // len 56, NLMSG_ERROR, CAPPED|ACK_TLVS, seq 7, pid 100000
        "efffffff" +                                               // error -17
        "28000000" + "1400" + "0506" + "07000000" + "00000000" +   // the request's nlmsghdr
        "1300" + "0100" + "4164647265737320657869737473" + "00" + "00"; // NLMSGERR_ATTR_MSG "Address exists\0" (19 bytes) + pad

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void ReadsAKernelAddressNotification()
    {
        byte[] bytes = Hex(NewAddrHex);
        Assert.Equal(76, bytes.Length);
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out NetlinkMessage message));
        Assert.Equal(Rtnl.RTM_NEWADDR, message.Type);
        Assert.True(InterfaceAddress.TryRead(message, out InterfaceAddress address));
        Assert.Equal(new InterfaceAddress(2, IpAddr.Parse("10.1.0.1"), 24, 0, Rtnl.IFA_F_PERMANENT, 112), address);
        Assert.False(address.IsSecondary);

        var attributes = message.Attributes(8);
        var types = new List<ushort>();
        string? label = null;
        while (attributes.TryRead(out NetlinkAttribute a))
        {
            types.Add(a.Type);
            if (a.Type == Rtnl.IFA_LABEL) label = a.AsString();
        }
        Assert.Equal([1, 2, 4, 3, 8, 11], types);
        Assert.Equal("eth0", label);
        Assert.False(attributes.IsMalformed);
        Assert.False(reader.TryRead(out _));
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void WriterProducesTheKernelLayoutByteForByte()
    {
        var buffer = new byte[256];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(Rtnl.RTM_NEWADDR, 0, 0);
        writer.WriteHeader(new IfAddrMsg { Family = 2, PrefixLength = 24, Flags = 0x80, Index = 2 });
        writer.WriteAttribute(Rtnl.IFA_ADDRESS, IpAddr.Parse("10.1.0.1"));
        writer.WriteAttribute(Rtnl.IFA_LOCAL, IpAddr.Parse("10.1.0.1"));
        writer.WriteAttribute(Rtnl.IFA_BROADCAST, IpAddr.Parse("10.1.0.255"));
        writer.WriteAttribute(Rtnl.IFA_LABEL, "eth0");
        writer.WriteAttribute(Rtnl.IFA_FLAGS, 0x80u);
        writer.WriteAttribute(Rtnl.IFA_PROTO, (byte)112);
        writer.EndMessage();
        Assert.Equal(NewAddrHex, Convert.ToHexString(writer.Written).ToLowerInvariant());
    }

    [Fact]
    public void NestedAttributesGetTheirLengthAndReadBack()
    {
        var buffer = new byte[256];
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(Rtnl.RTM_NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, 9);
        writer.WriteHeader(new IfInfoMsg { Index = 5, Flags = Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP });
        writer.WriteAttribute(Rtnl.IFLA_IFNAME, "vrrp.4");
        int linkInfo = writer.BeginNested(Rtnl.IFLA_LINKINFO);
        writer.WriteAttribute(Rtnl.IFLA_INFO_KIND, "macvlan");
        int data = writer.BeginNested(Rtnl.IFLA_INFO_DATA);
        writer.WriteAttribute(Rtnl.IFLA_MACVLAN_MODE, 4u);
        writer.EndNested(data);
        writer.EndNested(linkInfo);
        writer.WriteAttribute(Rtnl.IFLA_ADDRESS, [0, 0, 0x5e, 0, 1, 4]);
        writer.EndMessage();

        // IFLA_LINKINFO = 4 + ("macvlan\0" 4+8) + (IFLA_INFO_DATA 4 + mode 8) = 28 bytes.
        int offset = 16 + 16 + 12;
        Assert.Equal(28, BitConverter.ToUInt16(buffer, offset));
        var reader = new NetlinkMessageReader(writer.Written);
        Assert.True(reader.TryRead(out NetlinkMessage message));
        InterfaceInfo? info = InterfaceInfo.Read(message);
        Assert.NotNull(info);
        Assert.Equal(("vrrp.4", "macvlan", 4u, 5), (info.Name, info.Kind, info.MacvlanMode, info.Index));
        Assert.Equal(MacAddress.VirtualRouter(IpFamily.IPv4, 4), info.Mac);
        Assert.True(info.State.IsOperational);
    }

    [Fact]
    public void SeveralMessagesFollowEachOtherAligned()
    {
        var buffer = new byte[512];
        var writer = new NetlinkWriter(buffer);
        for (uint seq = 1; seq <= 3; seq++)
        {
            writer.BeginMessage(Rtnl.RTM_DELADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq);
            writer.WriteHeader(new IfAddrMsg { Family = 10, PrefixLength = 128, Index = 3 });
            writer.WriteAttribute(Rtnl.IFA_LOCAL, IpAddr.Parse($"fd00::{seq}"));
            writer.WriteAttribute(Rtnl.IFA_LABEL, "x"); // 6 bytes: padded to 8
            writer.EndMessage();
        }
        Assert.Equal(0, writer.Length % 4);
        var reader = new NetlinkMessageReader(writer.Written);
        uint expected = 1;
        while (reader.TryRead(out NetlinkMessage m))
        {
            Assert.Equal(expected++, m.Sequence);
            Assert.True(InterfaceAddress.TryRead(m, out InterfaceAddress a));
            Assert.Equal(IpAddr.Parse($"fd00::{m.Sequence}"), a.Address);
        }
        Assert.Equal(4u, expected);
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void ReadsAnErrorAckWithTheKernelsMessage()
    {
        byte[] bytes = Hex(ErrorHex);
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out NetlinkMessage message));
        Assert.Equal(Nl.NLMSG_ERROR, message.Type);
        Assert.Equal(7u, message.Sequence);
        Assert.Equal(-Errno.EEXIST, BitConverter.ToInt32(bytes, 16));
        var attributes = new NetlinkAttributeReader(message.Payload[20..]);
        Assert.True(attributes.TryRead(out NetlinkAttribute text));
        Assert.Equal(Nl.NLMSGERR_ATTR_MSG, text.Type);
        Assert.Equal("Address exists", text.AsString());
    }

    [Fact]
    public void ExceptionNamesOperationSubjectAndErrno()
    {
        var vip = new VirtualAddress(2, IpAddr.Parse("192.168.1.4"));
        NetlinkException e = AddressManager.Error(vip, add: true, Errno.EEXIST, "eth0");
        Assert.Equal("RTM_NEWADDR 192.168.1.4/32 dev eth0: File exists (EEXIST)", e.Message);
        Assert.Equal(Errno.EEXIST, e.Errno);
        var v6 = new VirtualAddress(2, IpAddr.Parse("fd00::4"));
        Assert.Equal("RTM_DELADDR fd00::4/128 dev eth0: Cannot assign requested address (EADDRNOTAVAIL)",
            AddressManager.Error(v6, add: false, Errno.EADDRNOTAVAIL, "eth0").Message);
    }

    [Theory]
    [InlineData("10000000")]                          // shorter than a header
    [InlineData("ff000000140000000000000000000000")]  // length past the end
    [InlineData("08000000140000000000000000000000")]  // length shorter than a header
    public void MalformedDatagramsEndTheIterationWithoutThrowing(string hex)
    {
        var reader = new NetlinkMessageReader(Hex(hex));
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.IsMalformed);
    }

    [Property(MaxTest = 500)]
    public Property ReadersNeverThrowOnArbitraryBytes() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var reader = new NetlinkMessageReader(bytes);
            int count = 0;
            while (reader.TryRead(out NetlinkMessage m))
            {
                count++;
                InterfaceAddress.TryRead(m, out _);
                LinkState.TryRead(m, out _);
                _ = InterfaceInfo.Read(m);
            }
            return count <= bytes.Length / 16;
        });

    [Fact]
    public void WriterRefusesToOverflowItsBuffer()
    {
        var buffer = new byte[24];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new NetlinkWriter(buffer);
            writer.BeginMessage(Rtnl.RTM_NEWADDR, 0, 1);
            writer.WriteHeader(new IfAddrMsg());
            writer.WriteAttribute(Rtnl.IFA_LOCAL, IpAddr.Parse("10.0.0.1"));
        });
    }
}
