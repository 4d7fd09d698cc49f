using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// One interface the host sends and receives on: its AF_PACKET socket (every VRID, both
/// families), the multicast routers listening on it, the advertisements to send this
/// iteration (one sendmmsg), its gratuitous queue, and the receive muting of
/// <see cref="ReceivePath"/>.
/// </summary>
internal sealed class HostInterface : ReceiveEndpoint
{
    // The largest advertisement the configuration allows fits a 1500-byte MTU (plus Ethernet).
    public const int AdvertSlotBytes = 1536;
    public const int ReceiveSlotBytes = 2048;

    public HostInterface(ReceivePath receiver, InterfaceInfo info, PacketSocket socket) : base(receiver)
    {
        Name = info.Name;
        Index = info.Index;
        Mac = info.Mac;
        Socket = socket;
    }

    public string Name { get; }
    public int Index { get; }
    public MacAddress Mac { get; }
    public PacketSocket Socket { get; }

    public bool LinkUp { get; set; } = true;

    /// <summary>When the socket was last read after epoll reported it (or a pause ended).</summary>
    public Instant LastReadAt { get; set; }

    /// <summary>Taken out of epoll between reads of a burst (see <see cref="ReceivePath.OnPacketsReadable"/>).</summary>
    public bool ReceivingMuted { get; set; }

    /// <summary>When a muted socket is read next; <see cref="Instant.Never"/> when not muted.</summary>
    public Instant ResumeReceivingAt { get; set; } = Instant.Never;

    public FrameBatch Adverts { get; } = new(64, AdvertSlotBytes);

    public GratuitousQueue Gratuitous { get; } = new();

    /// <summary>IPv4 identification of the next advertisement (incrementing, as a host stack does).</summary>
    public ushort NextIpId { get; set; } = (ushort)Random.Shared.Next(ushort.MaxValue);

    public override string LogName => Name;

    public override int SlotBytes => ReceiveSlotBytes;

    public override int Receive(FrameBatch batch) => Socket.Receive(batch);

    public override ParseError Parse(ReadOnlySpan<byte> data, out ReceivedAdvertisement received) =>
        VrrpFrame.TryParse(data, out received);

    // The Ethernet source, for the log line of a frame too broken to say more.
    public override void LogRejected(ILogger log, ReadOnlySpan<byte> data, ParseError error, long suppressed) =>
        HostLog.FrameRejected(log, Name, data.Length >= 12 ? MacAddress.FromBytes(data[6..12]).ToString() : "?", error.ToString(), suppressed);

    public override void OnReady() => Receiver.OnPacketsReadable(this);

    public void FlushAdverts()
    {
        if (Adverts.Count == 0)
            return;
        Socket.Send(Adverts);
        Adverts.Clear();
    }

    public void FlushGratuitous()
    {
        if (Gratuitous.Frames.Count == 0)
            return;
        Socket.Send(Gratuitous.Frames);
        Gratuitous.Frames.Clear();
    }

    public override void Dispose()
    {
        Socket.Dispose();
        Adverts.Dispose();
        Gratuitous.Dispose();
    }
}

/// <summary>
/// The gratuitous ARP / unsolicited NA frames one interface still has to send, spaced by
/// vrrp_garp_interval / vrrp_gna_interval, a batch at a time.
/// </summary>
internal sealed class GratuitousQueue : IDisposable
{
    private const int SlotBytes = 128;
    private readonly Queue<Job> _jobs = new(64);
    private Job? _current;

    /// <summary>The frames due now, sent by <see cref="HostInterface.FlushGratuitous"/>.</summary>
    public FrameBatch Frames { get; } = new(64, SlotBytes);

    /// <summary>When the queue wants to send next; Never when it is empty.</summary>
    public Instant NextAt { get; private set; } = Instant.Never;

    public int PendingJobs => _jobs.Count + (_current is null ? 0 : 1);

    public void Enqueue(GratuitousSet set, int rounds, Instant now)
    {
        if (rounds <= 0 || set.Frames.Length == 0)
            return;
        _jobs.Enqueue(new Job(set, rounds, 0));
        if (!NextAt.IsFinite)
            NextAt = now;
    }

    /// <summary>
    /// Appends the frames due at <paramref name="now"/> to <see cref="Frames"/>: all of them when
    /// the interval for their kind is zero, else one and the time of the next; at most one batch,
    /// after which <see cref="NextAt"/> stays due. A job whose router is no longer Master (or
    /// was removed) is dropped.
    /// </summary>
    /// <remarks>
    /// One batch at a time because each of these frames costs the sender's CPU far more than an
    /// advertisement (every host on the LAN runs ARP on it, in the sender's softirq): a Master
    /// that heard 255 lower-priority adverts sends 1,275 (garp_lower_prio_repeat 5), and sent at
    /// once they delay its own advertisements past the Backups' Master_Down_Interval, whose
    /// takeover makes it send them again. Between batches the loop reads and runs due timers.
    /// </remarks>
    public void Pump(Instant now, TimeSpan arpInterval, TimeSpan naInterval)
    {
        while (NextAt <= now)
        {
            if (Frames.Count == Frames.Capacity)
                return;
            if (_current is not Job job)
            {
                if (!_jobs.TryDequeue(out job))
                {
                    NextAt = Instant.Never;
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
            frame.CopyTo(Frames.NextSlot());
            Frames.Commit(frame.Length);
            TimeSpan wait = set.IsNeighborAdvertisement[job.Next] ? naInterval : arpInterval;
            if (++job.Next == set.Frames.Length)
                job = job with { Next = 0, RoundsLeft = job.RoundsLeft - 1 };
            _current = job.RoundsLeft > 0 ? job : null;
            if (wait > TimeSpan.Zero)
            {
                NextAt = now + wait;
                return;
            }
        }
    }

    public void Dispose() => Frames.Dispose();

    private record struct Job(GratuitousSet Set, int RoundsLeft, int Next);
}
