using System.Diagnostics;
using Xunit.Abstractions;
using Vrrp.Core.Wire;
using Vrrp.Lab;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;

namespace vrrpd.Tests.Host;

/// <summary>Hostile input never starves the timers: a flood of invalid frames changes nothing.</summary>
[Collection(DaemonCollection.Name)]
public sealed class FloodTests(ITestOutputHelper output)
{
    [Fact]
    public void A_flood_of_invalid_frames_causes_no_transition_and_adverts_keep_their_interval()
    {
        using var lab = new DaemonLab(3);
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245));
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240));
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", TimeSpan.FromSeconds(10)), r2.Output);
        long r1Transitions = Transitions(r1), r2Transitions = Transitions(r2);

        // From r3: a VRRPv3 advert for VRID 4 with a higher priority than the Master's, its
        // checksum broken, to the VRRP group, so that both daemons receive every copy.
        string r3 = lab.Members[2];
        MacAddress mac = NetworkNamespace.Run(r3, () =>
        {
            using NetlinkSocket netlink = NetlinkSocket.Open();
            return new LinkManager(netlink).Get("eth0").Mac;
        });
        using PacketSocket sender = NetworkNamespace.Run(r3, () => PacketSocket.Open(IfIndex(r3), new PacketSocketOptions { JoinIPv4Group = false, JoinIPv6Group = false }));
        using PacketSocket watcher = NetworkNamespace.Run(r3, () => PacketSocket.Open(IfIndex(r3)));
        byte[] bad = BadFrame(mac);

        var arrivals = new List<long>();
        using var stopWatching = new CancellationTokenSource();
        var watching = new Thread(() => Watch(watcher, arrivals, stopWatching.Token)) { IsBackground = true };
        watching.Start();
        Thread.Sleep(500);

        using var batch = new FrameBatch(64, 128);
        var flood = Stopwatch.StartNew();
        long sent = 0, floodStart = Stopwatch.GetTimestamp();
        const double TargetRate = 30_000;
        while (flood.Elapsed < TimeSpan.FromSeconds(3))
        {
            // Paced to tens of thousands of frames a second, in batches of 48 (sendmmsg).
            if (sent > flood.Elapsed.TotalSeconds * TargetRate)
            {
                Thread.Yield();
                continue;
            }
            batch.Clear();
            for (int i = 0; i < 48; i++)
            {
                bad.CopyTo(batch.NextSlot());
                batch.Commit(bad.Length);
            }
            sent += sender.Send(batch);
        }
        long floodEnd = Stopwatch.GetTimestamp();
        double rate = sent / flood.Elapsed.TotalSeconds;
        Thread.Sleep(500);
        stopWatching.Cancel();
        watching.Join();

        Assert.True(rate > 10_000, $"the flood only reached {rate:0} frames/s");
        Assert.Equal(r1Transitions, Transitions(r1));
        Assert.Equal(r2Transitions, Transitions(r2));
        Assert.Equal("MASTER", r1.State());
        Assert.Equal("BACKUP", r2.State());
        long rejected = r2.Status().GetProperty("interfaces")[0].GetProperty("parse_errors").GetProperty("BadChecksum").GetInt64();
        Assert.True(rejected > sent / 2, $"r2 counted {rejected} of {sent} bad frames");

        // The Master's adverts as r3 saw them during the flood: every gap well under Master_Down_Interval (306 ms).
        List<long> during;
        lock (arrivals)
            during = [.. arrivals.Where(t => t >= floodStart && t <= floodEnd)];
        Assert.True(during.Count > 20, $"only {during.Count} adverts seen during the flood");
        double maxGap = during.Zip(during.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).Max();
        output.WriteLine($"{sent} bad frames in {flood.Elapsed.TotalSeconds:0.0} s ({rate:0}/s), r2 counted {rejected}; {during.Count} adverts, largest gap {maxGap:0.0} ms");
        Assert.True(maxGap < 200, $"largest gap between adverts {maxGap:0.0} ms at {rate:0} bad frames/s");

        // Logging of the flood is rate-limited: a line a second (and a summary), not one per frame.
        int lines = r2.Lines.Count(l => l.Contains("BadChecksum", StringComparison.Ordinal));
        Assert.InRange(lines, 1, 10);
    }

    private static long Transitions(VrrpdProcess d)
    {
        var counters = d.Instance().GetProperty("counters");
        return counters.GetProperty("became_master").GetInt64() + counters.GetProperty("released_master").GetInt64() + counters.GetProperty("entered_fault").GetInt64();
    }

    private static int IfIndex(string ns)
    {
        using NetlinkSocket netlink = NetlinkSocket.Open();
        return new LinkManager(netlink).Get("eth0").Index;
    }

    private static byte[] BadFrame(MacAddress mac)
    {
        byte[] addresses = VrrpAdvertisement.PackAddresses([IpAddr.Parse("10.9.0.100")]);
        var advert = new VrrpAdvertisement
        {
            Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = 4, Priority = 250,
            AdvertIntervalCentiseconds = 10, AddressBytes = addresses,
        };
        byte[] frame = new byte[VrrpFrame.GetFrameLength(advert)];
        VrrpFrame.Write(frame, mac, MacAddress.MulticastFor(IpAddr.VrrpMulticastV4), IpAddr.Parse("10.9.0.3"), IpAddr.VrrpMulticastV4, advert);
        frame[14 + 20 + 6] ^= 0x5A; // the VRRP checksum
        Assert.Equal(ParseError.BadChecksum, VrrpFrame.TryParse(frame, out _));
        return frame;
    }

    private static void Watch(PacketSocket socket, List<long> arrivals, CancellationToken stop)
    {
        using var epoll = new Epoll();
        using var batch = new FrameBatch(64, 2048);
        epoll.Add(socket.Handle, 1);
        var events = new EpollEvent[4];
        IpAddr master = IpAddr.Parse("10.9.0.1");
        while (!stop.IsCancellationRequested)
        {
            epoll.Wait(events, 50);
            while (socket.Receive(batch) > 0)
            {
                long now = Stopwatch.GetTimestamp();
                for (int i = 0; i < batch.Count; i++)
                {
                    if (VrrpFrame.TryParse(batch[i], out ReceivedAdvertisement advert) == ParseError.None && advert.Source == master)
                    {
                        lock (arrivals)
                            arrivals.Add(now);
                    }
                }
            }
        }
    }
}
