using Vrrp.Core.Wire;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>The receive ring (PACKET_RX_RING) against the socket buffer it replaces.</summary>
public class ReceiveRingTests
{
    private static readonly IpAddr Source = IpAddr.Parse("10.0.0.1");
    private static readonly IpAddr Vip = IpAddr.Parse("10.0.0.100");

    private static void SendAdverts(PacketSocket sender, MacAddress mac, int firstVrid, int count)
    {
        Span<byte> frame = stackalloc byte[256];
        for (int vrid = firstVrid; vrid < firstVrid + count; vrid++)
            Assert.Equal(0, sender.Send(frame[..Frames.Advert(frame, mac, Source, (byte)vrid, Vip)]));
    }

    private static byte[] Vrids(List<byte[]> frames) =>
        [.. frames.Select(f => VrrpFrame.TryParse(f, out ReceivedAdvertisement r) == ParseError.None ? r.Advertisement.VirtualRouterId : (byte)0)];

    [Fact]
    public void A_full_ring_keeps_the_first_frames_counts_the_dropped_ones_and_takes_frames_again_once_read()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sender = a.OpenPacketSocket();
            using PacketSocket ring = b.OpenPacketSocket(new PacketSocketOptions { ReceiveRingSlots = 8 });
            using PacketSocket buffered = b.OpenPacketSocket(new PacketSocketOptions { ReceiveRingSlots = 0 });
            Assert.True(ring.HasReceiveRing);
            Assert.False(buffered.HasReceiveRing);

            // 20 frames into 8 slots, nobody reading: the first 8 stay, 12 are dropped.
            SendAdverts(sender, a.Mac, 1, 20);
            List<byte[]> all = Wait.Receive(buffered, f => f.Count >= 20, TimeSpan.FromSeconds(5));
            Assert.Equal(Enumerable.Range(1, 20).Select(v => (byte)v), Vrids(all));
            List<byte[]> kept = Wait.Drain(ring, TimeSpan.FromMilliseconds(200));
            Assert.Equal(Enumerable.Range(1, 8).Select(v => (byte)v), Vrids(kept));
            Assert.Equal(all.Take(8).Select(Convert.ToHexString), kept.Select(Convert.ToHexString));
            ring.RefreshKernelStatistics();
            Assert.Equal(12, ring.Statistics.KernelDrops);
            Assert.Equal(8, ring.Statistics.FramesReceived);

            // Slots handed back: the ring takes frames again, in order.
            SendAdverts(sender, a.Mac, 21, 5);
            List<byte[]> later = Wait.Receive(ring, f => f.Count >= 5, TimeSpan.FromSeconds(5));
            Assert.Equal(Enumerable.Range(21, 5).Select(v => (byte)v), Vrids(later));
            ring.RefreshKernelStatistics();
            Assert.Equal(12, ring.Statistics.KernelDrops);
        }
    }

    [Fact]
    public void A_frame_longer_than_its_slot_arrives_cut_and_counted()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            using PacketSocket sender = a.OpenPacketSocket();
            // 256-byte slots: frame data starts at offset 66, so 190 bytes fit.
            using PacketSocket ring = b.OpenPacketSocket(new PacketSocketOptions { ReceiveRingSlots = 4, ReceiveRingSlotBytes = 256 });
            Span<byte> frame = stackalloc byte[512];
            int shortLength = Frames.Advert(frame, a.Mac, Source, 1, Vip);
            Assert.Equal(0, sender.Send(frame[..shortLength]));
            int longLength = Frames.Advert(frame, a.Mac, Source, 2, Vip, copies: 60);
            Assert.Equal(0, sender.Send(frame[..longLength]));

            using var batch = new FrameBatch(8);
            using var epoll = new Epoll();
            epoll.Add(ring.Handle, 1);
            var events = new EpollEvent[2];
            var received = new List<(int Length, bool Cut)>();
            for (int tries = 0; received.Count < 2 && tries < 50; tries++)
            {
                epoll.Wait(events, 100);
                for (int n = ring.Receive(batch), i = 0; i < n; i++)
                    received.Add((batch[i].Length, batch.IsTruncated(i)));
            }
            Assert.Equal([(shortLength, false), (190, true)], received);
            Assert.Equal(1, ring.Statistics.FramesTruncated);
        }
    }

    [Fact]
    public void A_ring_prepared_in_the_background_takes_over_from_the_socket_buffer_without_losing_or_repeating_a_frame()
    {
        (NetnsLab lab, Node a, Node b) = Node.TwoOnABridge();
        using (lab) using (a) using (b)
        {
            // Closed while its ring is still being set up: the setup thread finds it closed.
            using (b.OpenPacketSocket(new PacketSocketOptions { PrepareRingInBackground = true }))
            {
            }

            using PacketSocket sender = a.OpenPacketSocket();
            using PacketSocket receiver = b.OpenPacketSocket(new PacketSocketOptions { PrepareRingInBackground = true });
            Assert.False(receiver.HasReceiveRing);
            Assert.NotNull(receiver.RingHandle);
            using var epoll = new Epoll();
            epoll.Add(receiver.Handle, 1);
            epoll.Add(receiver.RingHandle, 2);
            using var batch = new FrameBatch(16);
            var events = new EpollEvent[4];
            var frames = new List<byte[]>();

            // Queued in the socket buffer before the ring can be bound (it is bound by a receive).
            SendAdverts(sender, a.Mac, 1, 5);
            // Then one advert a millisecond, read as they come, until the ring (ready after
            // about 12 ms) has taken over in the middle of the stream, and 10 more.
            int vrid = 6, last = 255;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (vrid <= last && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                SendAdverts(sender, a.Mac, vrid, 1);
                epoll.Wait(events, 1);
                while (receiver.Receive(batch) > 0)
                    for (int i = 0; i < batch.Count; i++) frames.Add(batch[i].ToArray());
                if (receiver.HasReceiveRing && last == 255) last = Math.Min(vrid + 10, 254);
                vrid++;
                Thread.Sleep(1);
            }
            frames.AddRange(Wait.Drain(receiver, TimeSpan.FromMilliseconds(100)));

            Assert.Null(receiver.RingSetupError);
            Assert.True(receiver.HasReceiveRing);
            Assert.Equal(Enumerable.Range(1, last).Select(v => (byte)v), Vrids(frames));
            Assert.Equal(last, receiver.Statistics.FramesReceived);
        }
    }

    [Fact]
    public void The_slot_for_an_mtu_holds_its_largest_frame_with_a_vlan_tag()
    {
        Assert.Equal(2048, PacketSocket.RingSlotBytesFor(1500));
        Assert.Equal(2048, PacketSocket.RingSlotBytesFor(0));
        Assert.True(PacketSocket.RingSlotBytesFor(9000) >= 66 + 14 + 4 + 9000);
    }
}
