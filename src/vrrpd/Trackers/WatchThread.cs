using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vrrp.Linux;

namespace Vrrpd.Trackers;

/// <summary>
/// A thread of its own that waits, with epoll and no polling, on one descriptor (the process
/// connector, an inotify instance), a timer for the owner's deadlines and a stop signal, and
/// calls the owner on it: <c>readable</c> when the descriptor is, <c>due</c> when the timer
/// fires; after each call the timer is armed to <c>nextDeadline</c> (CLOCK_MONOTONIC
/// nanoseconds, <see cref="long.MaxValue"/> for none). <see cref="Dispose"/> stops and joins it.
/// </summary>
internal sealed class WatchThread : IDisposable
{
    private const ulong StopToken = 0, SourceToken = 1, TimerToken = 2;

    private readonly Epoll _epoll = new(4);
    private readonly EventFd _stop = new();
    private readonly TimerFd _timer = new();
    private readonly Thread _thread;
    private readonly ILogger _log;
    private readonly Action _readable;
    private readonly Action _due;
    private readonly Func<long> _nextDeadline;

    public WatchThread(string name, SafeHandle source, Action readable, Action due, Func<long> nextDeadline, ILogger log)
    {
        _readable = readable;
        _due = due;
        _nextDeadline = nextDeadline;
        _log = log;
        _epoll.Add(_stop.Handle, StopToken);
        _epoll.Add(source, SourceToken);
        _epoll.Add(_timer.Handle, TimerToken);
        _thread = new Thread(Loop, maxStackSize: 256 * 1024) { IsBackground = true, Name = name };
    }

    public void Start() => _thread.Start();

    private void Loop()
    {
        Span<EpollEvent> ready = stackalloc EpollEvent[4];
        _timer.ArmAt(_nextDeadline());
        while (true)
        {
            int n = _epoll.Wait(ready);
            for (int i = 0; i < n; i++)
            {
                if (ready[i].Token == StopToken) return;
                try
                {
                    if (ready[i].Token == TimerToken)
                    {
                        _timer.Acknowledge();
                        _due();
                    }
                    else
                    {
                        _readable();
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A tracker must not take the daemon down: log, and wait for the next event.
                    TrackerLog.WatchFailed(_log, e, _thread.Name ?? "tracker");
                }
            }
            _timer.ArmAt(_nextDeadline());
        }
    }

    public void Dispose()
    {
        _stop.Signal();
        if (_thread.IsAlive) _thread.Join();
        _epoll.Dispose();
        _timer.Dispose();
        _stop.Dispose();
    }
}
