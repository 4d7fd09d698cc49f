using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// The path of a received advertisement: an endpoint's socket, a batch, the codec, the
/// endpoint's VRID table, the router, then <see cref="RouterDriver.Drain"/>. Reads every
/// endpoint the same way and decides when: at once, muted through a burst, or before timers.
/// </summary>
internal sealed class ReceivePath : IDisposable
{
    private const int MaxReceiveBatches = 64;
    private static readonly TimeSpan ReceivePause = TimeSpan.FromMicroseconds(500);

    private readonly ILogger _log;
    private readonly EventLoop _loop;
    private readonly FrameBatch _frames = new(64, HostInterface.ReceiveSlotBytes);
    private FrameBatch? _packets;

    public ReceivePath(ILogger log, EventLoop loop)
    {
        _log = log;
        _loop = loop;
    }

    /// <summary>Every endpoint the loop reads (kept by <see cref="EndpointPool"/>).</summary>
    public List<ReceiveEndpoint> Endpoints { get; } = [];

    /// <summary>Set once the host is assembled: delivered advertisements are drained through it.</summary>
    public RouterDriver Driver { get; set; } = null!;

    /// <summary>Set once the host is assembled: the routers' deadlines (see <see cref="ReadBeforeTimers"/>).</summary>
    public DeadlineHeap<HostedRouter> Deadlines { get; set; } = null!;

    // Frames that arrive close together (hundreds of Masters' adverts sent in one burst) would
    // wake the loop for each few of them: the sender's kernel delivers them one by one, and a
    // woken reader drains the queue faster than it fills. So when the socket becomes readable
    // again within ReceivePause of the last read, it is muted for ReceivePause and read then,
    // a burst at a time; an advert is handled at most ReceivePause late, and never after a due
    // timer (ReadBeforeTimers reads muted sockets too). Lone frames (a few routers) are read
    // at once. The muting also spares the sender's kernel the wake-ups.
    public void OnPacketsReadable(HostInterface iface)
    {
        Instant now = EventLoop.Now();
        bool dense = now - iface.LastReadAt < ReceivePause;
        iface.LastReadAt = now;
        ReadAll(iface);
        if (dense && !iface.ReceivingMuted)
        {
            Watch(iface, on: false);
            iface.ReceivingMuted = true;
            iface.ResumeReceivingAt = now + ReceivePause;
        }
    }

    /// <summary>The earliest time a muted socket is read again.</summary>
    public Instant NextResume()
    {
        Instant next = Instant.Never;
        foreach (ReceiveEndpoint e in Endpoints)
        {
            if (e is HostInterface iface)
                next = Instant.Min(next, iface.ResumeReceivingAt);
        }
        return next;
    }

    // A muted socket is read when its pause ends; while frames keep coming it stays muted for
    // another pause, otherwise epoll watches it again.
    public void ResumeMuted(Instant now)
    {
        foreach (ReceiveEndpoint e in Endpoints)
        {
            if (e is not HostInterface iface || iface.ResumeReceivingAt > now)
                continue;
            iface.LastReadAt = now;
            if (ReadAll(iface) > 0)
            {
                iface.ResumeReceivingAt = now + ReceivePause;
                continue;
            }
            Watch(iface, on: true);
            iface.ReceivingMuted = false;
            iface.ResumeReceivingAt = Instant.Never;
        }
    }

    private void Watch(HostInterface iface, bool on)
    {
        _loop.Watch(iface.Socket.Handle, iface.Token, on);
        if (iface.Socket.RingHandle is { } ringHandle)
            _loop.Watch(ringHandle, iface.Token, on);
    }

    // Everything queued is read before the deadlines run: after a stall of the process (CPU
    // starvation, a debugger, swapping) hundreds of routers' Master_Down timers are due at once
    // while their Masters' adverts wait in the socket, and reading only one batch would declare
    // every Master down whose advert lies beyond it. Bounded all the same (MaxReceiveBatches
    // batches of 64, a socket buffer's worth), so a flood still lets the deadlines run; epoll is
    // level-triggered, so what is left comes next iteration.
    public int ReadAll(ReceiveEndpoint endpoint)
    {
        endpoint.ReadInIteration = _loop.Iteration;
        FrameBatch batch = endpoint.SlotBytes <= _frames.FrameCapacity ? _frames : _packets ??= new FrameBatch(64, endpoint.SlotBytes);
        int total = 0;
        for (int round = 0; round < MaxReceiveBatches; round++)
        {
            int n = endpoint.Receive(batch);
            if (n == 0)
                break;
            Handle(endpoint, batch, n);
            total += n;
            if (n < batch.Capacity)
                break; // a short batch: the queue is empty
        }
        return total;
    }

    // A Master_Down timer must not fire while its Master's advert waits unread. Epoll does not
    // always say what is readable: a wait interrupted by a signal (the runtime handles SIGCONT,
    // so a stopped and continued daemon wakes with no events) returns none. So when a router's
    // deadline is due, every socket not read in this iteration is read first.
    public void ReadBeforeTimers()
    {
        if (Deadlines.Earliest > EventLoop.Now())
            return;
        foreach (ReceiveEndpoint e in Endpoints)
        {
            if (e.ReadInIteration != _loop.Iteration)
                ReadAll(e);
        }
    }

    private void Handle(ReceiveEndpoint endpoint, FrameBatch batch, int n)
    {
        Instant now = EventLoop.Now();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> data = batch[i];
            ParseError error = endpoint.Parse(data, out ReceivedAdvertisement received);
            if (error != ParseError.None)
            {
                endpoint.ParseErrors[(int)error]++;
                if (endpoint.ParseLog.ShouldLog((int)error, now, out long suppressed))
                    endpoint.LogRejected(_log, data, error, suppressed);
                continue;
            }
            HostedRouter? r = endpoint.Routers[received.Advertisement.Family, received.Advertisement.VirtualRouterId];
            if (r is null)
            {
                endpoint.OtherVirtualRouter++;
                continue;
            }
            Deliver(r, now, received.Advertisement, received.Source);
        }
    }

    private void Deliver(HostedRouter r, Instant now, in VrrpAdvertisement advert, IpAddr source)
    {
        RejectReason reason = r.Router.HandleAdvertisement(now, in advert, source);
        if (reason != RejectReason.None && r.RejectLog.ShouldLog((int)reason, now, out long suppressed))
        {
            // In Fault or before startup keepalived ignores adverts without a word; count them quietly.
            if (reason == RejectReason.NotActive)
                HostLog.AdvertIgnored(_log, r.Name, source.ToString(), suppressed);
            else
                HostLog.AdvertRejected(_log, r.Name, source.ToString(), reason.ToString(), suppressed);
        }
        Driver.Drain(r, now);
    }

    public void Dispose()
    {
        _frames.Dispose();
        _packets?.Dispose();
    }
}
