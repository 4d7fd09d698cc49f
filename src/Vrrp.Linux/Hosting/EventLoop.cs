using System.Diagnostics;
using System.Runtime.InteropServices;
using Vrrp.Core.Router;

namespace Vrrp.Linux.Hosting;

/// <summary>Something the loop watches: called on the loop thread when its descriptor is readable.</summary>
internal interface IReadyHandler
{
    void OnReady();
}

/// <summary>
/// The loop itself: one epoll, one timerfd armed to the earliest deadline, and the handlers of
/// the descriptors it watches, each under a small integer token. It knows nothing of routers:
/// the host asks it to wait, to dispatch what is ready, and to arm the timer.
/// </summary>
/// <remarks>
/// Not thread-safe. Sockets belong to the network namespace of the thread that creates them,
/// so descriptors are created (and registered) on the thread that runs the loop.
/// </remarks>
internal sealed class EventLoop : IDisposable
{
    private const int TokenTimer = 0;
    private readonly Epoll _epoll = new(64);
    private readonly TimerFd _timer = new();
    private readonly EpollEvent[] _events = new EpollEvent[64];
    private IReadyHandler?[] _handlers = new IReadyHandler?[8];
    private Instant _armed = Instant.Never;
    private bool _timerFired = true;
    private int _ready;

    public EventLoop() => _epoll.Add(_timer.Handle, TokenTimer);

    /// <summary>Waits so far, including those that returned nothing.</summary>
    public long Iteration { get; private set; }

    /// <summary>The monotonic clock routers run on, in 100 ns ticks.</summary>
    public static Instant Now() => new(MonotonicClock.FromStopwatchTimestamp(Stopwatch.GetTimestamp()) / 100);

    /// <summary>Watches <paramref name="handle"/> for input under a new token.</summary>
    public int Register(SafeHandle handle, IReadyHandler handler)
    {
        int token = Array.IndexOf(_handlers, null, 1);
        if (token < 0)
        {
            token = _handlers.Length;
            Array.Resize(ref _handlers, _handlers.Length * 2);
        }
        _handlers[token] = handler;
        _epoll.Add(handle, (ulong)token);
        return token;
    }

    /// <summary>Watches a second descriptor for the handler of <paramref name="token"/>.</summary>
    public void AddHandle(SafeHandle handle, int token) => _epoll.Add(handle, (ulong)token);

    /// <summary>Stops or resumes reporting input on <paramref name="handle"/>.</summary>
    public void Watch(SafeHandle handle, int token, bool on) =>
        _epoll.Modify(handle, (ulong)token, on ? EpollEvents.In : EpollEvents.None);

    /// <summary>Forgets the token's handler; closing its descriptors takes them out of epoll.</summary>
    public void Unregister(int token) => _handlers[token] = null;

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (-1 without limit) for input or the timer.</summary>
    public void Wait(int timeoutMilliseconds)
    {
        _ready = _epoll.Wait(_events, timeoutMilliseconds);
        Iteration++;
    }

    /// <summary>Calls the handler of every descriptor the last wait reported, in order.</summary>
    public void Dispatch()
    {
        for (int i = 0; i < _ready; i++)
        {
            int token = (int)_events[i].Token;
            if (token == TokenTimer)
            {
                _timer.Acknowledge();
                _timerFired = true;
            }
            else if ((uint)token < (uint)_handlers.Length)
            {
                _handlers[token]?.OnReady();
            }
        }
        _ready = 0;
    }

    // The timerfd is re-armed only when the earliest deadline moved earlier or it fired: a
    // deadline that moved later (a Backup hearing its Master) costs one early wake-up, not a
    // system call per advertisement.
    public void ArmAt(Instant next)
    {
        if (!_timerFired && next >= _armed)
            return;
        _timer.ArmAt(next.IsFinite ? next.Ticks * 100 : long.MaxValue);
        _armed = next;
        _timerFired = !next.IsFinite;
    }

    public void Dispose()
    {
        _timer.Dispose();
        _epoll.Dispose();
    }
}
