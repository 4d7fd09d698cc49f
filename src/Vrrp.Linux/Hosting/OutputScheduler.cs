using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Carries out what the routers ask for, in the order VirtualRouter documents: within one
/// iteration every advertisement goes out first (one sendmmsg per interface), then every
/// address change (one netlink batch per run of adds or removes, the virtual routes and rules
/// after the addresses when adding and before them when removing), then the gratuitous frames.
/// </summary>
internal sealed class OutputScheduler(ILogger log, AddressManager addresses, RoutingOutput routing, DeadlineHeap<HostedRouter> deadlines, List<ReceiveEndpoint> endpoints)
{
    private const int MaxGratuitousYields = 64;
    private readonly byte[] _packet = new byte[FrameBatch.DefaultFrameCapacity];
    private readonly List<(HostedRouter Router, bool Add)> _addressOps = new(64);
    private readonly List<HostInterface> _dirty = new(8);
    private VirtualAddress[] _addressScratch = new VirtualAddress[64];
    private int[] _errnoScratch = new int[64];
    private int _gratuitousYields;

    /// <summary>Gratuitous ARP spacing on one interface (vrrp_garp_interval).</summary>
    public TimeSpan GarpInterval { get; set; }

    /// <summary>Unsolicited NA spacing on one interface (vrrp_gna_interval).</summary>
    public TimeSpan GnaInterval { get; set; }

    public void SendAdvertisement(HostedRouter r, byte priority)
    {
        VrrpAdvertisement advert = r.Router.CreateAdvertisement(priority);
        if (r.Unicast is { } unicast)
        {
            // The VRRPv3 checksum covers each peer's address (pseudo-header), so one message per peer.
            ReadOnlySpan<IpAddr> peers = unicast.Socket.Peers;
            for (int i = 0; i < peers.Length; i++)
            {
                int length = advert.Emit(_packet, r.Source, peers[i], r.Definition.Checksum);
                unicast.Socket.Send(i, _packet.AsSpan(0, length));
            }
            return;
        }
        HostInterface iface = r.Interface!;
        FrameBatch batch = iface.Adverts;
        if (batch.Count == batch.Capacity)
            iface.FlushAdverts();
        ushort id = iface.NextIpId++;
        int written = VrrpFrame.Write(batch.NextSlot(), r.SourceMac, r.DestinationMac, r.Source, r.Destination, advert, r.Definition.Checksum, id);
        batch.Commit(written);
        if (!_dirty.Contains(iface))
            _dirty.Add(iface);
    }

    public void QueueAddresses(HostedRouter r, bool add) => _addressOps.Add((r, add));

    // Queued only: Flush sends them after every advertisement and address change.
    public void QueueGratuitous(HostedRouter r, int repeat, Instant now)
    {
        foreach (GratuitousSet set in r.Gratuitous)
            set.Output.Gratuitous.Enqueue(set, repeat, now);
    }

    /// <summary>Makes room for a router's addresses in the batch buffers (called when it is built).</summary>
    public void Reserve(int addresses)
    {
        if (_addressScratch.Length < addresses * 2)
            Array.Resize(ref _addressScratch, addresses * 2);
    }

    /// <summary>An interface is being closed: nothing of it is left to flush.</summary>
    public void Forget(HostInterface iface)
    {
        iface.FlushAdverts();
        iface.FlushGratuitous();
        _dirty.Remove(iface);
    }

    /// <summary>The earliest time a gratuitous queue wants to send.</summary>
    public Instant NextGratuitous()
    {
        Instant next = Instant.Never;
        foreach (ReceiveEndpoint e in endpoints)
        {
            if (e is HostInterface iface)
                next = Instant.Min(next, iface.Gratuitous.NextAt);
        }
        return next;
    }

    // Advertisements first, then addresses, then the gratuitous frames due. Those are the bulk of
    // a mass takeover (vrrp_garp_master_repeat 5: 1,275 frames for 255 instances, each also handled
    // by every host on the LAN in the sender's softirq), so with yieldToDueRouters they wait while
    // other routers' timers are already due: instances whose Master_Down fired while this batch
    // was being carried out send their advertisement and add their addresses first. Bounded, so
    // a loop that cannot keep up still sends them.
    public void Flush(bool yieldToDueRouters = false)
    {
        foreach (HostInterface iface in _dirty)
            iface.FlushAdverts();
        _dirty.Clear();
        FlushAddressOps();
        Instant now = EventLoop.Now();
        if (yieldToDueRouters && deadlines.Earliest <= now && _gratuitousYields < MaxGratuitousYields)
        {
            _gratuitousYields++;
            return;
        }
        _gratuitousYields = 0;
        foreach (ReceiveEndpoint e in endpoints)
        {
            if (e is not HostInterface iface || iface.Gratuitous.NextAt > now)
                continue;
            iface.Gratuitous.Pump(now, GarpInterval, GnaInterval);
            iface.FlushGratuitous();
        }
    }

    private void FlushAddressOps()
    {
        int start = 0;
        while (start < _addressOps.Count)
        {
            bool add = _addressOps[start].Add;
            int end = start, count = 0;
            while (end < _addressOps.Count && _addressOps[end].Add == add)
                count += _addressOps[end++].Router.Addresses.Length;
            if (_addressScratch.Length < count)
                Array.Resize(ref _addressScratch, count);
            if (_errnoScratch.Length < count)
                Array.Resize(ref _errnoScratch, count);
            int n = 0;
            for (int i = start; i < end; i++)
            {
                HostedRouter owner = _addressOps[i].Router;
                owner.Addresses.CopyTo(_addressScratch, n);
                n += owner.Addresses.Length;
            }
            ReadOnlySpan<VirtualAddress> batch = _addressScratch.AsSpan(0, n);
            Span<int> errnos = _errnoScratch.AsSpan(0, n);
            if (!add)
                routing.Apply(_addressOps, start, end, add);
            int failed = add ? addresses.Add(batch, errnos) : addresses.Remove(batch, errnos);
            if (failed > 0)
                ReportAddressFailures(start, end, add);
            if (add)
                routing.Apply(_addressOps, start, end, add);
            start = end;
        }
        _addressOps.Clear();
    }

    private void ReportAddressFailures(int start, int end, bool add)
    {
        int n = 0;
        for (int i = start; i < end; i++)
        {
            HostedRouter owner = _addressOps[i].Router;
            for (int j = 0; j < owner.Addresses.Length; j++, n++)
            {
                int errno = _errnoScratch[n];
                // Already there when adding, already gone when removing: the goal is reached.
                if (errno == 0 || errno == (add ? Errno.EEXIST : Errno.EADDRNOTAVAIL))
                    continue;
                HostLog.AddressFailed(log, owner.Name, AddressManager.Error(owner.Addresses[j], add, errno, owner.AddressInterfaceNames[j]).Message);
            }
        }
    }
}
