using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Linux;

namespace Vrrpd.Host;

/// <summary>Gratuitous ARP / unsolicited NA frames of one instance that go out of one interface, built once.</summary>
internal sealed class GratuitousSet(RouterHost owner, InterfaceHost output, byte[][] frames, bool[] neighborAdvertisement)
{
    public RouterHost Owner { get; } = owner;
    public InterfaceHost Output { get; } = output;
    public byte[][] Frames { get; } = frames;
    public bool[] IsNeighborAdvertisement { get; } = neighborAdvertisement;
}

/// <summary>
/// One interface the daemon sends and receives on: its AF_PACKET socket (all VRIDs, both
/// families), the multicast routers listening on it, the frames to send this loop iteration
/// (advertisements, then gratuitous ARP/NA, each sent with one sendmmsg), the gratuitous queue
/// spaced by vrrp_garp_interval / vrrp_gna_interval, and the counters of rejected frames.
/// </summary>
internal sealed class InterfaceHost : IDisposable
{
    // The largest advertisement the configuration allows fits a 1500-byte MTU (plus Ethernet).
    public const int AdvertSlotBytes = 1536;
    private const int GratuitousSlotBytes = 128;

    private readonly Queue<GratuitousJob> _jobs = new(64);
    private GratuitousJob? _current;

    public InterfaceHost(InterfaceInfo info, PacketSocket socket, int slot)
    {
        Name = info.Name;
        Index = info.Index;
        Mac = info.Mac;
        Socket = socket;
        Slot = slot;
    }

    public string Name { get; }
    public int Index { get; }
    public MacAddress Mac { get; }
    public PacketSocket Socket { get; }

    /// <summary>Position in the loop's interface table (the epoll token).</summary>
    public int Slot { get; }

    /// <summary>Multicast routers receiving here, by family and VRID.</summary>
    public VridTable<RouterHost> Routers { get; } = new();

    /// <summary>How many routers use this interface (own interface, VIP device, VMAC parent).</summary>
    public int Users { get; set; }

    public bool LinkUp { get; set; } = true;

    /// <summary>Received frames the codec rejected, by <see cref="ParseError"/>.</summary>
    public long[] ParseErrors { get; } = new long[StatusCounters.ParseErrorCount];

    /// <summary>Valid VRRP frames for a VRID (and family) no multicast router here serves.</summary>
    public long OtherVirtualRouter { get; set; }

    /// <summary>The loop iteration that last read the socket.</summary>
    public long ReadInIteration { get; set; } = -1;

    /// <summary>When the socket was last read after epoll reported it (or a pause ended).</summary>
    public Instant LastReadAt { get; set; }

    /// <summary>Taken out of epoll between reads of a burst (see VrrpHost.OnPacketsReadable).</summary>
    public bool ReceivingMuted { get; set; }

    /// <summary>When a muted socket is read next; <see cref="Instant.Never"/> when not muted.</summary>
    public Instant ResumeReceivingAt { get; set; } = Instant.Never;

    public RejectLimiter ParseLog { get; } = new(StatusCounters.ParseErrorCount);

    public FrameBatch Adverts { get; } = new(64, AdvertSlotBytes);
    public FrameBatch Gratuitous { get; } = new(64, GratuitousSlotBytes);

    /// <summary>IPv4 identification of the next advertisement (incrementing, as a host stack does).</summary>
    public ushort NextIpId { get; set; } = (ushort)Random.Shared.Next(ushort.MaxValue);

    /// <summary>When the gratuitous queue wants to send next; Never when it is empty.</summary>
    public Instant NextGratuitousAt { get; private set; } = Instant.Never;

    public int PendingGratuitousJobs => _jobs.Count + (_current is null ? 0 : 1);

    public void EnqueueGratuitous(GratuitousSet set, int rounds, Instant now)
    {
        if (rounds <= 0 || set.Frames.Length == 0)
            return;
        _jobs.Enqueue(new GratuitousJob(set, rounds, 0));
        if (!NextGratuitousAt.IsFinite)
            NextGratuitousAt = now;
    }

    /// <summary>
    /// Appends the gratuitous frames due at <paramref name="now"/> to <see cref="Gratuitous"/>:
    /// all of them when the interval for their kind is zero, else one and the time of the next;
    /// at most one batch, after which <see cref="NextGratuitousAt"/> stays due. A job whose
    /// instance is no longer Master (or was removed) is dropped.
    /// </summary>
    /// <remarks>
    /// One batch at a time because each of these frames costs the sender's CPU far more than an
    /// advertisement (every host on the LAN runs ARP on it, in the sender's softirq): a Master
    /// that heard 255 lower-priority adverts sends 1,275 (garp_lower_prio_repeat 5), and sent at
    /// once they delay its own advertisements past the Backups' Master_Down_Interval, whose
    /// takeover makes it send them again. Between batches the loop reads and runs due timers.
    /// </remarks>
    public void PumpGratuitous(Instant now, TimeSpan arpInterval, TimeSpan naInterval)
    {
        while (NextGratuitousAt <= now)
        {
            if (Gratuitous.Count == Gratuitous.Capacity)
                return;
            if (_current is not GratuitousJob job)
            {
                if (!_jobs.TryDequeue(out job))
                {
                    NextGratuitousAt = Instant.Never;
                    return;
                }
            }
            GratuitousSet set = job.Set;
            if (set.Owner.Removed || set.Owner.Router.State != RouterState.Master)
            {
                _current = null;
                continue;
            }
            byte[] frame = set.Frames[job.Next];
            frame.CopyTo(Gratuitous.NextSlot());
            Gratuitous.Commit(frame.Length);
            TimeSpan wait = set.IsNeighborAdvertisement[job.Next] ? naInterval : arpInterval;
            if (++job.Next == set.Frames.Length)
                job = job with { Next = 0, RoundsLeft = job.RoundsLeft - 1 };
            _current = job.RoundsLeft > 0 ? job : null;
            if (wait > TimeSpan.Zero)
            {
                NextGratuitousAt = now + wait;
                return;
            }
        }
    }

    public void FlushAdverts()
    {
        if (Adverts.Count == 0)
            return;
        Socket.Send(Adverts);
        Adverts.Clear();
    }

    public void FlushGratuitous()
    {
        if (Gratuitous.Count == 0)
            return;
        Socket.Send(Gratuitous);
        Gratuitous.Clear();
    }

    public void Dispose()
    {
        Socket.Dispose();
        Adverts.Dispose();
        Gratuitous.Dispose();
    }

    private record struct GratuitousJob(GratuitousSet Set, int RoundsLeft, int Next);
}

/// <summary>
/// The unicast transport of the instances that share one interface, source address and peer
/// list: one raw socket (<see cref="UnicastSocket"/>) and its routers by VRID.
/// </summary>
internal sealed class UnicastChannel(UnicastSocket socket, string key, string? interfaceName, int slot) : IDisposable
{
    public UnicastSocket Socket { get; } = socket;
    public string Key { get; } = key;
    public string? InterfaceName { get; } = interfaceName;
    public int Slot { get; } = slot;
    public VridTable<RouterHost> Routers { get; } = new();
    public int Users { get; set; }
    public long[] ParseErrors { get; } = new long[StatusCounters.ParseErrorCount];
    public long OtherVirtualRouter { get; set; }
    public RejectLimiter ParseLog { get; } = new(StatusCounters.ParseErrorCount);

    /// <summary>The loop iteration that last read the socket.</summary>
    public long ReadInIteration { get; set; } = -1;

    public void Dispose() => Socket.Dispose();
}

internal static class StatusCounters
{
    public static readonly int ParseErrorCount = (int)Enum.GetValues<ParseError>().Max() + 1;
    public static readonly int RejectReasonCount = (int)Enum.GetValues<RejectReason>().Max() + 1;
}
