using Vrrp.Core.Wire;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

public class PacketSocketTests
{
    private static readonly IpAddr Vip4 = IpAddr.Parse("10.0.0.100");
    private static readonly IpAddr Vip6 = IpAddr.Parse("fd00::100");

    [Fact]
    public void TwoNamespacesExchangeAdvertsThatCoreDecodes()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sa = a.OpenPacketSocket();
            using PacketSocket sb = b.OpenPacketSocket();
            IpAddr linkLocalA = a.Addresses.GetIPv6LinkLocal(a.IfIndex) ?? throw new InvalidOperationException("no link-local on a");
            Span<byte> frame = stackalloc byte[256];
            for (byte vrid = 1; vrid <= 5; vrid++)
            {
                Assert.Equal(0, sa.Send(frame[..Frames.Advert(frame, a.Mac, IpAddr.Parse("10.0.0.1"), vrid, Vip4)]));
                Assert.Equal(0, sa.Send(frame[..Frames.Advert(frame, a.Mac, linkLocalA, vrid, Vip6)]));
            }

            List<byte[]> got = Wait.Receive(sb, f => f.Count >= 10, TimeSpan.FromSeconds(5));
            Assert.Equal(10, got.Count);
            var seen = new HashSet<(IpFamily, byte)>();
            foreach (byte[] f in got)
            {
                Assert.Equal(ParseError.None, VrrpFrame.TryParse(f, out ReceivedAdvertisement r));
                Assert.Equal(a.Mac, r.SourceMac);
                seen.Add((r.Advertisement.Family, r.Advertisement.VirtualRouterId));
            }
            Assert.Equal(10, seen.Count);
            Assert.Equal(10, sa.Statistics.FramesSent);
            Assert.Equal(10, sb.Statistics.FramesReceived);
            // Our own frames are not fed back to the sender.
            Assert.Empty(Wait.Drain(sa, TimeSpan.FromMilliseconds(100)));
        }
    }

    [Fact]
    public void FilterPassesOnlyVrrpAndCountsMatch()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sender = a.OpenPacketSocket();
            using PacketSocket filtered = b.OpenPacketSocket();
            using PacketSocket unfiltered = b.OpenPacketSocket(new PacketSocketOptions { AttachFilter = false });
            const int noise = 40, vrrp = 25;
            Span<byte> frame = stackalloc byte[256];
            for (int i = 0; i < Math.Max(noise, vrrp); i++)
            {
                if (i < noise) Assert.Equal(0, sender.Send(Frames.Noise(a.Mac, i)));
                if (i < vrrp) Assert.Equal(0, sender.Send(frame[..Frames.Advert(frame, a.Mac, IpAddr.Parse("10.0.0.1"), (byte)(i + 1), Vip4)]));
            }

            List<byte[]> all = Wait.Receive(unfiltered, f => f.Count >= noise + vrrp, TimeSpan.FromSeconds(5));
            List<byte[]> passed = Wait.Receive(filtered, f => f.Count >= vrrp, TimeSpan.FromSeconds(5));
            passed.AddRange(Wait.Drain(filtered, TimeSpan.FromMilliseconds(200)));

            Assert.True(all.Count >= noise + vrrp, $"the interface saw {all.Count} frames: " + string.Join(",", all.GroupBy(f => $"{f[12]:x2}{f[13]:x2}/{f[23]}").Select(g => $"{g.Key}={g.Count()}")));
            Assert.Equal(vrrp, passed.Count);
            Assert.All(passed, f => Assert.Equal(ParseError.None, VrrpFrame.TryParse(f, out _)));
            filtered.RefreshKernelStatistics();
            Assert.Equal(vrrp, filtered.Statistics.KernelAccepted);
            Assert.Equal(0, filtered.Statistics.KernelDrops);
        }
    }

    [Fact]
    public void SteadyStateSendAndReceiveAllocateNothing()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sa = a.OpenPacketSocket();
            using PacketSocket sb = b.OpenPacketSocket();
            using var send = new FrameBatch(16);
            using var receive = new FrameBatch(64);
            using var epoll = new Epoll();
            epoll.Add(sb.Handle, 1);
            Span<EpollEvent> events = stackalloc EpollEvent[2];
            IpAddr source = IpAddr.Parse("10.0.0.1");
            long received = 0, allocated = 0, sent = 0, failed = 0;
            Span<byte> single = stackalloc byte[128];
            for (int round = 0; round < 20; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                send.Clear();
                for (byte vrid = 1; vrid <= 16; vrid++) send.Commit(Frames.Advert(send.NextSlot(), a.Mac, source, vrid, Vip4));
                sent += sa.Send(send);
                failed += sa.Send(single[..Frames.Advert(single, a.Mac, source, 200, Vip4)]);
                for (long want = received + 17; received < want && epoll.Wait(events, 1000) > 0;)
                    received += sb.Receive(receive);
                if (round >= 2) allocated += GC.GetAllocatedBytesForCurrentThread() - before; // after JIT warm-up
            }
            Assert.Equal((20 * 16L, 0L, 20 * 17L), (sent, failed, received));
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void MulticastMembershipShowsInIpMaddrWhileOpen()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            Assert.DoesNotContain("01:00:5e:00:00:12", b.Ip("maddr show dev eth0"));
            using (PacketSocket socket = b.OpenPacketSocket())
            {
                string maddr = b.Ip("maddr show dev eth0");
                Assert.Contains("link  01:00:5e:00:00:12", maddr);
                Assert.Contains("link  33:33:00:00:00:12", maddr);
            }
            Assert.DoesNotContain("01:00:5e:00:00:12", b.Ip("maddr show dev eth0"));
        }
    }

    [Fact]
    public void SentFramesDecodeWithGoodChecksumsInTshark()
    {
        Assert.True(File.Exists("/usr/bin/tshark") && File.Exists("/usr/bin/tcpdump"), "tshark and tcpdump are installed by scripts/test.sh");
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sa = a.OpenPacketSocket();
            IpAddr linkLocalA = a.Addresses.GetIPv6LinkLocal(a.IfIndex)!.Value;
            string pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}capture.pcap");
            try
            {
                using var capture = new Capture(b.Namespace, "eth0", "ip proto 112 or ip6 proto 112", 4, pcap);
                Span<byte> frame = stackalloc byte[256];
                Assert.Equal(0, sa.Send(frame[..Frames.Advert(frame, a.Mac, IpAddr.Parse("10.0.0.1"), 4, Vip4)]));
                Assert.Equal(0, sa.Send(frame[..Frames.Advert(frame, a.Mac, IpAddr.Parse("10.0.0.1"), 5, Vip4, 255)]));
                Assert.Equal(0, sa.Send(frame[..Frames.Advert(frame, a.Mac, linkLocalA, 4, Vip6)]));
                Assert.Equal(0, sa.Send(frame[..GratuitousArp.Write(frame, a.Mac, Vip4)])); // not captured: not VRRP
                Assert.Equal(0, sa.Send(frame[..Frames.Advert(frame, a.Mac, linkLocalA, 6, Vip6)]));
                capture.WaitForExit(TimeSpan.FromSeconds(10));

                string decoded = NetnsLab.Run("tshark", $"-r {pcap} -V");
                int good = decoded.Split('\n').Count(l => l.Contains("[Checksum Status: Good]", StringComparison.Ordinal));
                Assert.Equal(4, decoded.Split('\n').Count(l => l.StartsWith("Virtual Router Redundancy Protocol", StringComparison.Ordinal)));
                Assert.Equal(4, good);
                Assert.DoesNotContain("Bad", decoded, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(pcap);
            }
        }
    }

    [Fact]
    public void SendingOnADownLinkFailsWithACountedErrnoInsteadOfThrowing()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sa = a.OpenPacketSocket();
            a.Ip("link set eth0 down");
            Span<byte> frame = stackalloc byte[256];
            int errno = sa.Send(frame[..Frames.Advert(frame, a.Mac, IpAddr.Parse("10.0.0.1"), 1, Vip4)]);
            Assert.Equal(Errno.ENETDOWN, errno);
            Assert.Equal(1, sa.Statistics.SendErrors);
            Assert.Equal(Errno.ENETDOWN, sa.Statistics.LastError);
        }
    }
}
