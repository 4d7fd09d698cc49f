using System.Diagnostics;
using Vrrp.Core.Wire;
using Vrrp.Linux;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// The virtual addresses present in one namespace, followed by a <see cref="NetlinkMonitor"/>
/// on its own thread (no polling): every VIP added after <see cref="Arm"/> is timestamped
/// (Stopwatch, when the notification is read). Opened before the daemons start, so the set
/// starts empty and every change is an event.
/// </summary>
internal sealed class AddressWatch : IDisposable
{
    private readonly NetlinkMonitor _monitor;
    private readonly Epoll _epoll = new();
    private readonly Thread _thread;
    private readonly Func<IpAddr, bool> _isVip;
    private readonly object _gate = new();
    private readonly HashSet<IpAddr> _present = [];
    private readonly HashSet<IpAddr> _arrived = [];
    private long _firstArrival, _lastArrival;
    private volatile bool _stop;
    private Exception? _failure;

    public AddressWatch(string ns, Func<IpAddr, bool> isVip)
    {
        _isVip = isVip;
        _monitor = NetworkNamespace.Run(ns, () => NetlinkMonitor.Open(4 << 20));
        _epoll.Add(_monitor.Handle, 1);
        _thread = new Thread(Loop) { IsBackground = true, Name = $"watch {ns}" };
        _thread.Start();
    }

    /// <summary>VIPs present now.</summary>
    public int Count
    {
        get { lock (_gate) { ThrowIfFailed(); return _present.Count; } }
    }

    /// <summary>Forgets arrivals so far: the next ones are timed.</summary>
    public void Arm()
    {
        lock (_gate)
        {
            _arrived.Clear();
            _firstArrival = _lastArrival = 0;
        }
    }

    /// <summary>
    /// Waits until <paramref name="count"/> VIPs arrived since <see cref="Arm"/>; returns the
    /// Stopwatch timestamps of the first and the last arrival and how many arrived.
    /// </summary>
    public (long First, long Last, int Arrived) WaitForArrivals(int count, TimeSpan timeout, CancellationToken cancel)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            while (_arrived.Count < count && Stopwatch.GetTimestamp() < deadline && !cancel.IsCancellationRequested)
            {
                ThrowIfFailed();
                Monitor.Wait(_gate, 50);
            }
            return (_firstArrival, _lastArrival, _arrived.Count);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the number of VIPs present.</summary>
    public bool WaitForCount(Func<int, bool> condition, TimeSpan timeout, CancellationToken cancel)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            while (!condition(_present.Count))
            {
                ThrowIfFailed();
                if (Stopwatch.GetTimestamp() >= deadline || cancel.IsCancellationRequested) return false;
                Monitor.Wait(_gate, 50);
            }
            return true;
        }
    }

    private void Loop()
    {
        Span<EpollEvent> ready = stackalloc EpollEvent[4];
        try
        {
            while (!_stop)
            {
                if (_epoll.Wait(ready, 100) == 0) continue;
                bool changed = false;
                lock (_gate)
                {
                    while (_monitor.TryRead(out NetlinkEvent e))
                    {
                        if (e.Kind is not (NetlinkEventKind.AddressAdded or NetlinkEventKind.AddressRemoved) || !_isVip(e.Address.Address)) continue;
                        changed = true;
                        if (e.Kind == NetlinkEventKind.AddressRemoved)
                        {
                            _present.Remove(e.Address.Address);
                            continue;
                        }
                        _present.Add(e.Address.Address);
                        if (!_arrived.Add(e.Address.Address)) continue;
                        long now = Stopwatch.GetTimestamp();
                        if (_firstArrival == 0) _firstArrival = now;
                        _lastArrival = now;
                    }
                    if (changed) Monitor.PulseAll(_gate);
                }
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failure = e;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null) throw new InvalidOperationException("the address watch failed", _failure);
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _epoll.Dispose();
        _monitor.Dispose();
    }
}
