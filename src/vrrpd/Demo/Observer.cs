using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vrrp.Core.Wire;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;

namespace Vrrpd.Demo;

/// <summary>
/// The demo's eyes, one thread around one epoll: in the host namespace an ICMP echo every
/// probe interval to the virtual address (a raw socket made there) and a VRRP capture
/// (<see cref="PacketSocket"/>) timing every advert; in each router namespace a
/// <see cref="NetlinkMonitor"/> that sees the virtual address come and go. On every probe tick
/// it also reads what the daemons logged. Everything goes to the <see cref="Timeline"/>.
/// </summary>
internal sealed class Observer : IDisposable
{
    private const ulong TokenTimer = 1, TokenWake = 2, TokenCapture = 3, TokenEcho = 4, TokenRouterBase = 16;

    private readonly Timeline _timeline;
    private readonly IpAddr _vip;
    private readonly long _intervalNs;
    private readonly Action _onTick;
    private readonly Epoll _epoll = new();
    private readonly TimerFd _timer = new();
    private readonly EventFd _wake = new();
    private readonly List<IDisposable> _owned = [];
    private readonly PacketSocket _capture;
    private readonly Socket _echo;
    private readonly (string Name, NetlinkMonitor Monitor)[] _routers;
    private readonly ushort _identifier = (ushort)Environment.ProcessId;
    private readonly Thread _thread;
    private volatile bool _probing;
    private volatile bool _stop;

    /// <param name="timeline">Where observations go.</param>
    /// <param name="hostNamespace">The namespace the prober and capture live in.</param>
    /// <param name="hostInterface">Its LAN interface.</param>
    /// <param name="routers">Router name and namespace, watched for the virtual address.</param>
    /// <param name="vip">The virtual address.</param>
    /// <param name="probeInterval">Time between echo requests (also the tick of <paramref name="onTick"/>).</param>
    /// <param name="onTick">Called on the observer thread every tick (reads the daemons' logs).</param>
    public Observer(Timeline timeline, string hostNamespace, string hostInterface, IReadOnlyList<(string Name, string Namespace)> routers,
        IpAddr vip, TimeSpan probeInterval, Action onTick)
    {
        _timeline = timeline;
        _vip = vip;
        _intervalNs = (long)(probeInterval.TotalSeconds * 1e9);
        _onTick = onTick;
        _owned.AddRange([_epoll, _timer, _wake]);
        try
        {
            // Sockets belong to the namespace of the thread that makes them.
            (_capture, _echo) = NetworkNamespace.Run(hostNamespace, () =>
            {
                using var netlink = NetlinkSocket.Open();
                int index = new LinkManager(netlink).Get(hostInterface).Index;
                PacketSocket capture = PacketSocket.Open(index, new PacketSocketOptions { JoinIPv6Group = false });
                var echo = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
                return (capture, echo);
            });
            _owned.AddRange([_capture, _echo]);
            // Connected, a raw socket only receives what comes from the virtual address.
            _echo.Connect(new IPEndPoint(vip.ToIPAddress(), 0));
            _echo.Blocking = false;
            _routers = new (string, NetlinkMonitor)[routers.Count];
            for (int i = 0; i < routers.Count; i++)
            {
                NetlinkMonitor monitor = NetworkNamespace.Run(routers[i].Namespace, () => NetlinkMonitor.Open());
                _owned.Add(monitor);
                _routers[i] = (routers[i].Name, monitor);
                _epoll.Add(monitor.Handle, TokenRouterBase + (ulong)i);
            }
            _epoll.Add(_timer.Handle, TokenTimer);
            _epoll.Add(_wake.Handle, TokenWake);
            _epoll.Add(_capture.Handle, TokenCapture);
            _epoll.Add(_echo.SafeHandle, TokenEcho);
        }
        catch
        {
            DisposeOwned();
            throw;
        }
        _thread = new Thread(Loop) { IsBackground = true, Name = "demo observer" };
        _thread.Start();
    }

    /// <summary>Starts or stops the echo requests (the timer keeps ticking either way).</summary>
    public bool Probing
    {
        get => _probing;
        set => _probing = value;
    }

    private void Loop()
    {
        Span<EpollEvent> ready = stackalloc EpollEvent[16];
        Span<byte> buffer = stackalloc byte[2048];
        long next = MonotonicClock.NowNanoseconds;
        _timer.ArmAt(next);
        try
        {
            while (!_stop)
            {
                int n = _epoll.Wait(ready);
                for (int i = 0; i < n && !_stop; i++)
                {
                    switch (ready[i].Token)
                    {
                        case TokenTimer:
                            _timer.Acknowledge();
                            if (_probing)
                                SendProbe(buffer);
                            _onTick();
                            // A fixed schedule; after a stall, the next tick is the next one due, not a burst.
                            long now = MonotonicClock.NowNanoseconds;
                            next += _intervalNs;
                            if (next <= now)
                                next = now + _intervalNs - (now - next) % _intervalNs;
                            _timer.ArmAt(next);
                            break;
                        case TokenWake:
                            _wake.Drain();
                            break;
                        case TokenCapture:
                            ReadAdverts(buffer);
                            break;
                        case TokenEcho:
                            ReadReplies(buffer);
                            break;
                        default:
                            ReadAddresses(_routers[(int)(ready[i].Token - TokenRouterBase)]);
                            break;
                    }
                }
            }
        }
        catch (Exception e)
        {
            _timeline.Fail($"the observer failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private void SendProbe(Span<byte> buffer)
    {
        int sequence = _timeline.AddProbe(Stopwatch.GetTimestamp());
        if (sequence < 0)
            return;
        int length = IcmpEcho.WriteRequest(buffer, _identifier, (ushort)sequence);
        // A failed send (no ARP answer: EHOSTUNREACH) is simply a probe never answered.
        _echo.Send(buffer[..length], SocketFlags.None, out SocketError _);
    }

    private void ReadReplies(Span<byte> buffer)
    {
        while (true)
        {
            int length = _echo.Receive(buffer, SocketFlags.None, out SocketError error);
            if (error != SocketError.Success || length <= 0)
                return;
            if (IcmpEcho.TryReadReply(buffer[..length], _identifier, out ushort sequence))
                _timeline.AnswerProbe(sequence, Stopwatch.GetTimestamp());
        }
    }

    private void ReadAdverts(Span<byte> buffer)
    {
        int length;
        while ((length = _capture.Receive(buffer)) > 0)
        {
            long now = Stopwatch.GetTimestamp();
            if (VrrpFrame.TryParse(buffer[..length], out ReceivedAdvertisement advert) == ParseError.None)
                _timeline.AddAdvert(new WireAdvert(now, advert.Source, advert.Advertisement.Priority));
        }
    }

    private void ReadAddresses((string Name, NetlinkMonitor Monitor) router)
    {
        while (router.Monitor.TryRead(out NetlinkEvent e))
        {
            if (e.Kind is not (NetlinkEventKind.AddressAdded or NetlinkEventKind.AddressRemoved) || e.Address.Address != _vip)
                continue;
            bool added = e.Kind == NetlinkEventKind.AddressAdded;
            _timeline.Add(new DemoEvent(Stopwatch.GetTimestamp(), router.Name, added ? DemoEventKind.VipAdded : DemoEventKind.VipRemoved,
                $"{_vip}/{e.Address.PrefixLength} {(added ? "added to" : "removed from")} its interface"));
        }
    }

    public void Dispose()
    {
        if (!_stop)
        {
            _stop = true;
            _wake.Signal();
            _thread.Join();
        }
        DisposeOwned();
    }

    private void DisposeOwned()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }
}
