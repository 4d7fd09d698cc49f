// netlab-socket: how many frames per second one PacketSocket receives through the BPF filter
// on a veth pair, and what the receive path allocates. Run as root:
//   dotnet run -c Release --project bench/netlab-socket -- [seconds] [noise-per-vrrp-frame]
// It builds two namespaces joined by a veth, blasts VRRPv3 adverts (and optionally frames the
// filter must drop) from one side with sendmmsg, and on the other side receives through the ring,
// peeks the VRID and parses every frame with Vrrp.Core, as the daemon's loop would.
using System.Diagnostics;
using System.Globalization;
using Vrrp.Core.Wire;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

if (args is ["vips", ..]) return Vips.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 255);

int seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
int noisePerFrame = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;

using var lab = new NetnsLab();
string tx = lab.AddNamespace("tx");
string rx = lab.AddNamespace("rx");
lab.AddVeth(tx, "eth0", rx, "eth0");
int txIndex = int.Parse(NetnsLab.Ip($"-n {tx} -o link show dev eth0").Split(':')[0], CultureInfo.InvariantCulture);
int rxIndex = int.Parse(NetnsLab.Ip($"-n {rx} -o link show dev eth0").Split(':')[0], CultureInfo.InvariantCulture);

using PacketSocket sender = NetworkNamespace.Run(tx, () => PacketSocket.Open(txIndex));
using PacketSocket receiver = NetworkNamespace.Run(rx, () => PacketSocket.Open(rxIndex));

var stop = new CancellationTokenSource();
long noiseSent = 0;
var blaster = new Thread(() =>
{
    using var batch = new FrameBatch(64);
    MacAddress mac = MacAddress.FromValue(0x02_00_00_00_00_01);
    Span<byte> vip = stackalloc byte[4];
    IpAddr address = IpAddr.Parse("10.0.0.100"), source = IpAddr.Parse("10.0.0.1");
    address.WriteTo(vip);
    byte vrid = 0;
    while (!stop.IsCancellationRequested)
    {
        batch.Clear();
        while (batch.Count < batch.Capacity)
        {
            var advert = new VrrpAdvertisement
            {
                Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = (byte)(++vrid == 0 ? ++vrid : vrid),
                Priority = 100, AdvertIntervalCentiseconds = 1, AddressBytes = vip,
            };
            batch.Commit(VrrpFrame.Write(batch.NextSlot(), mac, PacketSocket.VrrpGroupMacV4, source, IpAddr.VrrpMulticastV4, advert));
            for (int i = 0; i < noisePerFrame && batch.Count < batch.Capacity; i++)
            {
                batch.Commit(GratuitousArp.Write(batch.NextSlot(), mac, address));
                noiseSent++;
            }
        }
        sender.Send(batch);
    }
}) { IsBackground = true, Name = "blaster" };

using var epoll = new Epoll();
using var frames = new FrameBatch(64);
epoll.Add(receiver.Handle, 1);
var events = new EpollEvent[4];
long received = 0, valid = 0;
int vridSum = 0;

void ReceiveFor(TimeSpan duration)
{
    long start = Stopwatch.GetTimestamp();
    while (Stopwatch.GetElapsedTime(start) < duration)
    {
        if (epoll.Wait(events, 100) == 0) continue;
        int n;
        while ((n = receiver.Receive(frames)) > 0)
        {
            received += n;
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<byte> frame = frames[i];
                if (VrrpFrame.TryParse(frame, out ReceivedAdvertisement parsed) == ParseError.None)
                {
                    valid++;
                    vridSum += parsed.Advertisement.VirtualRouterId;
                }
            }
        }
    }
}

blaster.Start();
ReceiveFor(TimeSpan.FromSeconds(1)); // warm-up: JIT, buffers, steady state
receiver.RefreshKernelStatistics();
PacketSocketStatistics before = receiver.Statistics;
long receivedBefore = received, validBefore = valid;
int gcBefore = GC.CollectionCount(0);
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
long started = Stopwatch.GetTimestamp();
ReceiveFor(TimeSpan.FromSeconds(seconds));
TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
int gcs = GC.CollectionCount(0) - gcBefore;
stop.Cancel();
blaster.Join();
receiver.RefreshKernelStatistics();
PacketSocketStatistics after = receiver.Statistics;

long count = received - receivedBefore;
double perSecond = count / elapsed.TotalSeconds;
long drops = after.KernelDrops - before.KernelDrops;
string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
Console.WriteLine($"frames received through the filter: {count} in {elapsed.TotalSeconds:F2} s = {perSecond:F0} frames/s");
Console.WriteLine($"valid VRRP (Vrrp.Core parse): {valid - validBefore}; kernel drops (receive ring full): {drops}; noise frames sent: {noiseSent}");
Console.WriteLine($"allocated on the receive thread: {allocated} B = {(double)allocated / Math.Max(1, count):F3} B/frame; gen0 GCs: {gcs}");
Console.WriteLine($"| PacketSocket receive through BPF, veth, receive ring (256 slots) into a batch of 64 + parse{(noisePerFrame > 0 ? $", {noisePerFrame} dropped frame(s) per advert" : "")} | {perSecond:F0} frames/s, {(double)allocated / Math.Max(1, count):F3} B/frame | `dotnet run -c Release --project bench/netlab-socket -- {seconds} {noisePerFrame}` ({DateTime.UtcNow:yyyy-MM-dd}, {cpu}, {Environment.ProcessorCount} cores) |");
return vridSum == -1 ? 1 : 0;

// `netlab-socket vips [N]`: time to add and to remove N /32 VIPs with one AddressManager batch
// (what a failover does), median of 21 rounds, and the bytes allocated.
internal static class Vips
{
    public static int Run(int count)
    {
        using var lab = new NetnsLab();
        string ns = lab.AddNamespace("vips");
        string peer = lab.AddNamespace("peer");
        lab.AddVeth(ns, "eth0", peer, "eth0");
        using NetlinkSocket netlink = NetworkNamespace.Run(ns, () => NetlinkSocket.Open());
        int ifIndex = new LinkManager(netlink).Get("eth0").Index;
        var addresses = new AddressManager(netlink);
        var vips = new VirtualAddress[count];
        for (int i = 0; i < count; i++) vips[i] = new VirtualAddress(ifIndex, IpAddr.FromV4(0x0A640000u + (uint)i + 1));
        var errnos = new int[count];
        var add = new List<double>();
        var remove = new List<double>();
        long allocated = 0;
        for (int round = 0; round < 22; round++)
        {
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            int failures = addresses.Add(vips, errnos);
            long t1 = Stopwatch.GetTimestamp();
            failures += addresses.Remove(vips, errnos);
            long t2 = Stopwatch.GetTimestamp();
            if (failures != 0) throw new InvalidOperationException($"{failures} failures");
            if (round == 0) continue; // warm-up
            allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            add.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            remove.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        }
        add.Sort();
        remove.Sort();
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
        Console.WriteLine($"add {count} VIPs: median {add[add.Count / 2]:F2} ms (max {add[^1]:F2}); remove: median {remove[remove.Count / 2]:F2} ms (max {remove[^1]:F2}); allocated {allocated} B in {add.Count} rounds");
        Console.WriteLine($"| AddressManager batch: add / remove {count} /32 VIPs (netlink, ACKs collected) | {add[add.Count / 2]:F2} ms / {remove[remove.Count / 2]:F2} ms median of 21, {allocated} B | `dotnet run -c Release --project bench/netlab-socket -- vips {count}` ({DateTime.UtcNow:yyyy-MM-dd}, {cpu}, {Environment.ProcessorCount} cores) |");
        return 0;
    }
}
