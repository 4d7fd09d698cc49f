using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;
using Vrrp.Keepalived;
using Vrrpd.Logging;

namespace Vrrpd.Host;

/// <summary>
/// The daemon's event loop and everything it drives: one thread, one epoll. It waits on the
/// packet socket of every interface, the unicast sockets, the netlink monitor, one timerfd armed
/// to the earliest deadline and the mailbox eventfd (signals, track scripts, status requests).
/// Each iteration takes at most one batch of frames from each ready socket, then netlink events,
/// then every due deadline, then the mailbox, and finally sends what the routers asked for:
/// advertisements, then address changes (one netlink batch), then gratuitous ARP/NA. A flood of
/// frames therefore delays a deadline by at most one batch per socket. The steady state
/// (receive, parse, handle, send, timers) allocates nothing.
/// </summary>
/// <remarks>
/// Sockets belong to the network namespace of the thread that creates them: <see cref="Start"/>,
/// and <see cref="Run"/> when a reload opens new interfaces, must run in the daemon's namespace.
/// Not thread-safe: other threads talk to the loop only through <see cref="Mailbox"/>.
/// </remarks>
internal sealed partial class VrrpHost : IDisposable
{
    private const ulong TokenTimer = 1, TokenWake = 2, TokenNetlink = 3;
    private const ulong TokenPacket = 1UL << 32, TokenUnicast = 2UL << 32, TokenKindMask = 0xFFFF_FFFFUL << 32;
    private const int MaxConsecutiveFailures = 50;
    private static readonly TimeSpan LinkPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(1);

    private readonly ILogger _log;
    private readonly INotificationSink _notify;
    private readonly ITrackScriptSource _scripts;
    private readonly Epoll _epoll;
    private readonly TimerFd _timer;
    private readonly Mailbox _mailbox;
    private readonly NetlinkSocket _netlink;
    private readonly LinkManager _links;
    private readonly AddressManager _addresses;
    private readonly MacvlanManager _macvlans;
    private readonly NetlinkMonitor _monitor;
    private readonly FrameBatch _receive = new(64, 2048);
    private readonly byte[] _packet = new byte[FrameBatch.DefaultFrameCapacity];
    private readonly EpollEvent[] _events = new EpollEvent[64];
    private readonly DeadlineHeap<RouterHost> _deadlines = new(64);
    private readonly List<RouterHost> _due = new(64);

    private Instant _armed = Instant.Never;
    private bool _timerFired = true;
    private Instant _housekeepingAt;
    private Instant _summaryAt;
    private Instant _startAt = Instant.Never;
    private Instant _trimMemoryAt = Instant.Never;
    private int _consecutiveFailures;
    private long _iteration;

    // Wall-clock time of the monotonic clock's zero, fixed at start so reported times are stable.
    private readonly DateTimeOffset _wallClockAtZero;

    /// <param name="configFile">For reloads and status.</param>
    /// <param name="loadOptions">How reloads read the file.</param>
    public VrrpHost(string configFile, ConfigLoadOptions loadOptions, ILogger log, INotificationSink notify, ITrackScriptSource scripts)
    {
        ConfigFile = Path.GetFullPath(configFile);
        _loadOptions = loadOptions;
        _log = log;
        _notify = notify;
        _scripts = scripts;
        _epoll = new Epoll(64);
        _timer = new TimerFd();
        _mailbox = new Mailbox();
        _netlink = NetlinkSocket.Open();
        _links = new LinkManager(_netlink);
        _addresses = new AddressManager(_netlink);
        _macvlans = new MacvlanManager(_netlink);
        _monitor = NetlinkMonitor.Open();
        _epoll.Add(_timer.Handle, TokenTimer);
        _epoll.Add(_mailbox.Wake.Handle, TokenWake);
        _epoll.Add(_monitor.Handle, TokenNetlink);
        StartedAt = DateTimeOffset.UtcNow;
        _wallClockAtZero = StartedAt - Now().SinceZero;
    }

    public string ConfigFile { get; }

    /// <summary>Other threads post signals, script results and status requests here.</summary>
    public Mailbox Mailbox => _mailbox;

    public DateTimeOffset StartedAt { get; }

    /// <summary>Set by SIGTERM/SIGINT (a <see cref="StopMessage"/>): <see cref="Run"/> returns.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Set when the loop gave up after repeated internal errors.</summary>
    public bool Failed { get; private set; }

    /// <summary>Loop iterations so far (tests and benches).</summary>
    public long Iterations { get; private set; }

    public IReadOnlyCollection<RouterHost> Routers => _routerList;

    internal static Instant Now() => new(MonotonicClock.FromStopwatchTimestamp(Stopwatch.GetTimestamp()) / 100);

    /// <summary>
    /// Builds every instance of <paramref name="config"/>, removes addresses a previous run left
    /// behind, then starts the routers (after vrrp_startup_delay if set).
    /// </summary>
    /// <exception cref="HostConfigException">An instance cannot be built (missing interface, no address to send from, ...).</exception>
    public void Start(KeepalivedConfig config)
    {
        _config = config;
        Instant now = Now();
        _housekeepingAt = now;
        _summaryAt = now + SummaryInterval;
        Plan plan = PlanChanges(config);
        List<RouterHost> built = BuildAll(config, plan);
        RemoveLeftovers(built);
        try
        {
            UpdateAcceptFilter(config, startup: true);
        }
        catch
        {
            foreach (RouterHost r in built)
                Release(r);
            throw;
        }
        _scripts.Configure(config, (script, up) => _mailbox.Post(new TrackScriptMessage(script, up)));
        _notify.Configure(config);
        Log.Started(_log, built.Count, ConfigFile);
        if (config.Global.StartupDelay > TimeSpan.Zero)
        {
            _startAt = now + config.Global.StartupDelay;
            Log.StartupDelayed(_log, config.Global.StartupDelay.TotalSeconds);
            foreach (RouterHost r in built)
                Register(r);
        }
        else
        {
            StartRouters(built, now);
        }
        RefreshPolledLinks();
        FlushOutputs();
        _trimMemoryAt = now + TrimMemoryDelay;
        ArmTimer();
    }

    /// <summary>Runs iterations until a stop is requested or the loop fails.</summary>
    public void Run()
    {
        while (!StopRequested && !Failed)
            RunOnce(-1);
    }

    /// <summary>
    /// One iteration: wait up to <paramref name="timeoutMilliseconds"/> (-1 without limit) for
    /// a socket, the timer or the mailbox, then handle what is ready as described on the class.
    /// </summary>
    public void RunOnce(int timeoutMilliseconds)
    {
        int n = _epoll.Wait(_events, timeoutMilliseconds);
        _iteration++;
        try
        {
            for (int i = 0; i < n; i++)
            {
                ulong token = _events[i].Token;
                switch (token & TokenKindMask)
                {
                    case TokenPacket:
                        if (_interfaces[(int)(token & 0xFFFF_FFFF)] is { } iface)
                            OnPacketsReadable(iface);
                        break;
                    case TokenUnicast:
                        if (_unicast[(int)(token & 0xFFFF_FFFF)] is { } channel)
                            ReceiveUnicast(channel);
                        break;
                    default:
                        if (token == TokenTimer)
                        {
                            _timer.Acknowledge();
                            _timerFired = true;
                        }
                        else if (token == TokenNetlink)
                        {
                            ProcessNetlink(Now());
                        }
                        else if (token == TokenWake)
                        {
                            _mailbox.Wake.Drain();
                            ProcessMailbox();
                        }
                        break;
                }
            }
            ReceiveBeforeTimers();
            RunDeadlines(Now());
            FlushOutputs(yieldToDueRouters: true);
            ArmTimer();
            Iterations++;
            _consecutiveFailures = 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug must not leave the addresses behind: log, carry on, and after repeated
            // failures stop in order (priority 0, addresses removed) rather than spin.
            Log.LoopError(_log, e);
            if (++_consecutiveFailures >= MaxConsecutiveFailures)
                Failed = true;
        }
    }

    private void RunDeadlines(Instant now)
    {
        ResumeReceiving(now);
        if (_startAt <= now)
        {
            _startAt = Instant.Never;
            StartRouters([.. _routerList.Where(r => !r.Router.IsRunning)], now);
        }
        RunRouterTimers(now);
        if (_housekeepingAt <= now)
        {
            _housekeepingAt = now + (_polledLinks.Length > 0 ? LinkPollInterval : SummaryInterval);
            if (_polledLinks.Length > 0)
            {
                _monitor.PollLinks(_polledLinks);
                ProcessNetlink(now);
            }
        }
        if (_summaryAt <= now)
        {
            _summaryAt = now + SummaryInterval;
            LogSuppressedSummaries(now);
        }
        if (_trimMemoryAt <= now)
        {
            _trimMemoryAt = Instant.Never;
            TrimMemory();
        }
    }

    private void RunRouterTimers(Instant now)
    {
        // Collect first: handling a timer moves the router in the heap.
        _due.Clear();
        while (_deadlines.Count > 0)
        {
            RouterHost r = _deadlines.Peek();
            if (r.Deadline > now && (r.Router.State != RouterState.Master || r.Deadline - now > r.TimerSlack))
                break;
            _deadlines.Remove(r);
            _due.Add(r);
        }
        foreach (RouterHost r in _due)
        {
            // A Master's advertisement due within its slack goes out now, early by at most the
            // slack, so that hundreds of routers share wake-ups and sendmmsg calls; the router
            // sees its own deadline, so its advertisement interval does not drift.
            Instant at = r.Deadline > now ? r.Deadline : now;
            r.Router.HandleTimeout(at);
            Drain(r, at);
            if (r.HeapIndex < 0 && !r.Removed)
                _deadlines.Update(r, r.Router.PollTimeout());
        }
        _due.Clear();
    }

    private Instant Earliest()
    {
        Instant next = Instant.Min(Instant.Min(_deadlines.Earliest, _trimMemoryAt), Instant.Min(_housekeepingAt, Instant.Min(_summaryAt, _startAt)));
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface is not null)
                next = Instant.Min(next, Instant.Min(iface.NextGratuitousAt, iface.ResumeReceivingAt));
        }
        return next;
    }

    // Reading and building a configuration leaves megabytes of garbage that the steady state,
    // which allocates nothing, would never collect. One compacting collection, once the first
    // advertisements are out, gives it back to the kernel: resident memory with 255 instances
    // 13.6 -> 10.8 MB measured (a 5-11 ms pause), with 50 9.9 -> 9.5 MB. Below 1 MB of heap it
    // is left alone: the collector's code, paged in to run, would cost more than it frees
    // (1 instance: 8.6 -> 9.2 MB).
    private static readonly TimeSpan TrimMemoryDelay = TimeSpan.FromMilliseconds(100);
    private const long TrimMemoryMinimumHeap = 1 << 20;

    private void TrimMemory()
    {
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        if (heap < TrimMemoryMinimumHeap)
        {
            Log.MemoryLeft(_log, heap / 1048576.0);
            return;
        }
        long before = Environment.WorkingSet;
        long started = Stopwatch.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Log.MemoryTrimmed(_log, heap / 1048576.0, before / 1048576.0, Environment.WorkingSet / 1048576.0, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // The timerfd is re-armed only when the earliest deadline moved earlier or it fired: a
    // deadline that moved later (a Backup hearing its Master) costs one early wake-up, not a
    // system call per advertisement.
    private void ArmTimer()
    {
        Instant next = Earliest();
        if (!_timerFired && next >= _armed)
            return;
        _timer.ArmAt(next.IsFinite ? next.Ticks * 100 : long.MaxValue);
        _armed = next;
        _timerFired = !next.IsFinite;
    }

    /// <summary>
    /// Shutdown (RFC 5798 6.4.2, 6.4.3): every Master sends priority 0 and removes its addresses,
    /// every router stops (stop notifications queued), VMACs are deleted.
    /// </summary>
    public void Shutdown()
    {
        Instant now = Now();
        foreach (RouterHost r in _routerList.ToArray())
            StopRouter(r, now);
        FlushOutputs();
        foreach (RouterHost r in _routerList.ToArray())
            Release(r);
        _routerList.Clear();
        _routers.Clear();
        _groups.Clear();
        RemoveAcceptFilter(stale: false);
    }

    public void Dispose()
    {
        foreach (InterfaceHost? iface in _interfaces)
            iface?.Dispose();
        foreach (UnicastChannel? channel in _unicast)
            channel?.Dispose();
        _monitor.Dispose();
        _netlink.Dispose();
        _mailbox.Dispose();
        _timer.Dispose();
        _epoll.Dispose();
        _receive.Dispose();
    }
}
