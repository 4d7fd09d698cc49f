using System.Diagnostics;
using Vrrp.Core.Wire;

namespace Vrrpd.Demo;

/// <summary>What a <see cref="DemoEvent"/> reports.</summary>
internal enum DemoEventKind
{
    /// <summary>A daemon logged <c>(VI_1) Entering STATE STATE (reason)</c>.</summary>
    State,
    /// <summary>Another daemon log line (warnings, errors, link changes, stop).</summary>
    Log,
    /// <summary>The virtual address appeared on a router's interface (netlink).</summary>
    VipAdded,
    /// <summary>The virtual address left a router's interface (netlink).</summary>
    VipRemoved,
    /// <summary>The host's neighbour entry for the virtual address got a new MAC.</summary>
    Arp,
    /// <summary>Something the demo did (start, cut, restore).</summary>
    Action,
    /// <summary>A daemon process ended.</summary>
    Exited,
}

/// <summary>One thing that happened, at a <see cref="Stopwatch"/> timestamp.</summary>
/// <param name="Time">When (a <see cref="Stopwatch.GetTimestamp"/> value).</param>
/// <param name="Source">r1, r2, host or demo.</param>
/// <param name="Kind">What kind of event.</param>
/// <param name="Text">What to print.</param>
/// <param name="Value">The state (State), the MAC (Arp), the exit status (Exited).</param>
internal sealed record DemoEvent(long Time, string Source, DemoEventKind Kind, string Text, string Value = "");

/// <summary>A VRRP advertisement captured in the host namespace.</summary>
internal readonly record struct WireAdvert(long Time, IpAddr Source, byte Priority);

/// <summary>
/// Everything the demo observes, from several threads (the observer loop, the ARP monitor, the
/// daemons' exit handlers), in one place with one lock: events, captured adverts and probes.
/// Waiters are woken on every change. Times are <see cref="Stopwatch"/> timestamps; daemon log
/// lines carry wall-clock times, mapped onto the same scale through the pair taken at
/// <see cref="MarkStart"/>.
/// </summary>
internal sealed class Timeline
{
    /// <summary>Probes are numbered by their 16-bit ICMP sequence number, so a run holds at most this many.</summary>
    public const int MaxProbes = 65536;

    private readonly object _gate = new();
    private readonly List<DemoEvent> _events = [];
    private readonly List<WireAdvert> _adverts = [];
    private readonly long[] _probeSent = new long[MaxProbes];
    private readonly long[] _probeAnswered = new long[MaxProbes];
    private int _probeCount;
    private string? _failure;

    /// <summary>Time zero of the printed offsets: when the daemons were started.</summary>
    public long Start { get; private set; } = Stopwatch.GetTimestamp();

    private DateTime _startUtc = DateTime.UtcNow;

    /// <summary>Makes now time zero.</summary>
    public void MarkStart()
    {
        lock (_gate)
        {
            _startUtc = DateTime.UtcNow;
            Start = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// A log line's wall-clock time on the <see cref="Stopwatch"/> scale. The daemons print
    /// whole milliseconds, so the middle of that millisecond is the best estimate; a line that
    /// falls within that millisecond before one of the demo's actions (a cable cut) is placed
    /// at the action, since what it reports can only have followed it.
    /// </summary>
    public long FromUtc(DateTime utc)
    {
        lock (_gate)
        {
            long time = Start + (long)(((utc - _startUtc).TotalSeconds + 0.0005) * Stopwatch.Frequency);
            long resolution = Stopwatch.Frequency / 1000;
            foreach (DemoEvent e in _events)
            {
                if (e.Kind == DemoEventKind.Action && time < e.Time && time >= e.Time - resolution)
                    time = e.Time;
            }
            return time;
        }
    }

    /// <summary>Milliseconds from <see cref="Start"/> to <paramref name="time"/>.</summary>
    public double Offset(long time) => Milliseconds(Start, time);

    /// <summary>Milliseconds from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>A reason the run failed, set from any thread (a daemon died); the waits stop on it.</summary>
    public string? Failure
    {
        get
        {
            lock (_gate)
                return _failure;
        }
    }

    public void Fail(string reason)
    {
        lock (_gate)
        {
            _failure ??= reason;
            Monitor.PulseAll(_gate);
        }
    }

    public void Add(DemoEvent e)
    {
        lock (_gate)
        {
            _events.Add(e);
            Monitor.PulseAll(_gate);
        }
    }

    public void AddAdvert(WireAdvert advert)
    {
        lock (_gate)
        {
            _adverts.Add(advert);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Records a probe sent now; returns its sequence number, or -1 when the table is full.</summary>
    public int AddProbe(long time)
    {
        lock (_gate)
        {
            if (_probeCount == MaxProbes)
                return -1;
            _probeSent[_probeCount] = time;
            return _probeCount++;
        }
    }

    public void AnswerProbe(int sequence, long time)
    {
        lock (_gate)
        {
            if (sequence < _probeCount && _probeAnswered[sequence] == 0)
            {
                _probeAnswered[sequence] = time;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Events so far, in time order (log lines arrive late, so the list is sorted here).</summary>
    public List<DemoEvent> Events
    {
        get
        {
            lock (_gate)
                return [.. _events.OrderBy(e => e.Time)];
        }
    }

    public List<WireAdvert> Adverts
    {
        get
        {
            lock (_gate)
                return [.. _adverts.OrderBy(a => a.Time)];
        }
    }

    /// <summary>Every probe so far: when it was sent and when it was answered (0: not answered).</summary>
    public (long Sent, long Answered)[] Probes
    {
        get
        {
            lock (_gate)
            {
                var probes = new (long, long)[_probeCount];
                for (int i = 0; i < _probeCount; i++)
                    probes[i] = (_probeSent[i], _probeAnswered[i]);
                return probes;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> (called under the lock with the sorted events)
    /// holds; false after <paramref name="timeout"/>. Throws when the run failed meanwhile or
    /// <paramref name="cancel"/> fired.
    /// </summary>
    public bool WaitUntil(Func<bool> condition, TimeSpan timeout, CancellationToken cancel)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                if (_failure is not null)
                    throw new DemoFailure(_failure);
                if (condition())
                    return true;
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                    return false;
                // Woken by every change; the cap keeps cancellation prompt.
                Monitor.Wait(_gate, TimeSpan.FromSeconds(Math.Min(left / (double)Stopwatch.Frequency, 0.05)));
            }
        }
    }

    /// <summary>Sleeps <paramref name="duration"/>, stopping early (with an exception) on failure or cancellation.</summary>
    public void Hold(TimeSpan duration, CancellationToken cancel) => WaitUntil(() => false, duration, cancel);
}

/// <summary>The demo saw something wrong; the message says what.</summary>
internal sealed class DemoFailure(string message) : Exception(message);
