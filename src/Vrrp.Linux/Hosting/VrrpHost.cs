using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Runs virtual routers on Linux: one thread, one epoll. It waits on the packet socket of every
/// interface, the unicast sockets, the netlink monitor, one timerfd armed to the earliest
/// deadline and an inbox for other threads. Each iteration takes what is ready (frames, at most
/// a bounded number of batches per socket, then netlink events, then messages), then every due
/// deadline, and finally sends what the routers asked for: advertisements, then address changes
/// (one netlink batch), then gratuitous ARP/NA. The steady state (receive, parse, handle, send,
/// timers) allocates nothing.
/// </summary>
/// <remarks>
/// <para>Sockets belong to the network namespace of the thread that creates them: build the
/// host, <see cref="Start"/> it and run it on the thread (and in the namespace) it serves.</para>
/// <para>Not thread-safe, except <see cref="RequestStop"/>, <see cref="SetTrackerState(string, bool)"/>, <see cref="SetTrackerValue"/>,
/// <see cref="Post"/>, <see cref="GetStatusAsync"/> and <see cref="GetRuntimeAsync"/>, which
/// reach the loop through its inbox.</para>
/// <para>The parts: <see cref="EventLoop"/> (epoll, timer), <see cref="RouterSet"/> (build,
/// reload plan, release), <see cref="ReceivePath"/>, <see cref="OutputScheduler"/>,
/// <see cref="LinkWatcher"/>, <see cref="StatusView"/>; docs/ARCHITECTURE.md draws them.</para>
/// </remarks>
public sealed class VrrpHost : IDisposable
{
    private const int MaxConsecutiveFailures = 50;

    private readonly ILogger _log;
    private readonly EventLoop _loop = new();
    private readonly HostInbox _inbox;
    private readonly NetlinkSocket _netlink;
    private readonly AddressManager _addresses;
    private readonly RoutingOutput _routing;
    private readonly NetlinkMonitor _monitor;
    private readonly DeadlineHeap<HostedRouter> _deadlines = new(64);
    private readonly List<HostedRouter> _due = new(64);
    private readonly ReceivePath _receive;
    private readonly OutputScheduler _output;
    private readonly RouterDriver _driver;
    private readonly EndpointPool _pool;
    private readonly RouterSet _routers;
    private readonly LinkWatcher _links;
    private readonly AcceptFilterSync _acceptFilter;
    private readonly Housekeeping _housekeeping;
    private readonly DateTimeOffset _wallClockAtZero; // wall-clock time of the monotonic zero, so reported times are stable
    private Instant _startAt = Instant.Never;
    private int _consecutiveFailures;

    /// <summary>Opens the netlink sockets and the loop's descriptors; no router runs until <see cref="Start"/>.</summary>
    public VrrpHost(VrrpHostSettings? settings = null)
    {
        settings ??= new VrrpHostSettings();
        _log = settings.Logger;
        _netlink = NetlinkSocket.Open();
        _addresses = new AddressManager(_netlink);
        _monitor = NetlinkMonitor.Open();
        _monitor.IgnoreRoutingChangesOf(_netlink);
        _receive = new ReceivePath(_log, _loop) { Deadlines = _deadlines };
        _routing = new RoutingOutput(_log, new RouteManager(_netlink), new RuleManager(_netlink));
        _output = new OutputScheduler(_log, _addresses, _routing, _deadlines, _receive.Endpoints);
        _driver = new RouterDriver(_log, settings.Observer, _output, _deadlines);
        _receive.Driver = _driver;
        _pool = new EndpointPool(_log, _loop, _receive, new LinkManager(_netlink), new MacvlanManager(_netlink), _monitor);
        var builder = new RouterBuilder(_log, _pool, _addresses, new LinkManager(_netlink), _output);
        _routers = new RouterSet(_log, builder, _pool, _output, _driver, _deadlines, _monitor, settings.TrackerStates);
        _links = new LinkWatcher(_log, _monitor, _addresses, _pool, _routers, _driver, new RoutingWatch(_log, _monitor, _routing, _routers, _driver));
        _acceptFilter = new AcceptFilterSync(_log);
        _housekeeping = new Housekeeping(_log, _routers, _receive.Endpoints);
        _inbox = new HostInbox(this, _log, _routers, _driver);
        _loop.Register(_inbox.Handle, _inbox);
        _loop.Register(_monitor.Handle, _links);
        StartedAt = DateTimeOffset.UtcNow;
        _wallClockAtZero = StartedAt - EventLoop.Now().SinceZero;
    }

    /// <summary>When the host was built.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Set by <see cref="RequestStop"/>: <see cref="Run"/> returns.</summary>
    public bool StopRequested { get; internal set; }

    /// <summary>Set when the loop gave up after repeated internal errors.</summary>
    public bool Failed { get; private set; }

    /// <summary>Loop iterations completed so far.</summary>
    public long Iterations { get; private set; }

    /// <summary>Configurations applied after the first.</summary>
    public long Reloads { get; private set; }

    /// <summary>When the last one was applied.</summary>
    public DateTimeOffset? LastReload { get; private set; }

    /// <summary>How many routers are registered.</summary>
    public int RouterCount => _routers.All.Count;

    /// <summary>The running router of that name, or null. Loop thread only.</summary>
    public VirtualRouter? FindRouter(string name) => _routers.All.FirstOrDefault(r => r.Name == name)?.Router;

    /// <summary>
    /// Builds every router of <paramref name="config"/>, removes addresses a previous run left
    /// behind, then starts the routers (after <see cref="HostConfiguration.StartupDelay"/>).
    /// </summary>
    /// <exception cref="HostBuildException">A router cannot be built (missing interface, no address to send from, ...); nothing is left running.</exception>
    public void Start(HostConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Instant now = EventLoop.Now();
        _links.PollAt = now;
        _housekeeping.ConfigurationApplied(now, started: true);
        SetPacing(config);
        RouterSet.Plan plan = _routers.PlanChanges(config);
        List<HostedRouter> built = _routers.BuildAll(config, plan);
        RemoveLeftovers(built);
        _routing.RemoveLeftovers(built, _pool.InterfaceName);
        try
        {
            _acceptFilter.Update(config, startup: true);
        }
        catch
        {
            foreach (HostedRouter r in built)
                _routers.Release(r);
            throw;
        }
        HostLog.Started(_log, built.Count, config.Source);
        if (config.StartupDelay > TimeSpan.Zero)
        {
            _startAt = now + config.StartupDelay;
            HostLog.StartupDelayed(_log, config.StartupDelay.TotalSeconds);
            foreach (HostedRouter r in built)
                _routers.Register(r);
        }
        else
        {
            _routers.Start(built, now);
        }
        _links.Refresh();
        _output.Flush();
        ArmTimer();
    }

    /// <summary>
    /// Applies a new configuration (a reload), on the loop thread: routers whose definition and
    /// sync group are unchanged keep running untouched; changed ones are rebuilt (the old one
    /// stopped first: priority 0 if Master, addresses removed), removed ones stop, new ones start.
    /// <paramref name="beforeStart"/> runs after the old routers stopped and before new ones
    /// start (the daemon swaps its scripts there).
    /// </summary>
    /// <exception cref="HostBuildException">A new router cannot be built; the running configuration stays in force.</exception>
    public void Apply(HostConfiguration config, Action? beforeStart = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Instant now = EventLoop.Now();
        RouterSet.Plan plan = _routers.PlanChanges(config);
        List<HostedRouter> built = _routers.BuildAll(config, plan);
        try
        {
            _acceptFilter.Update(config, startup: false);
        }
        catch (HostBuildException)
        {
            foreach (HostedRouter r in built)
                _routers.Release(r);
            throw;
        }
        _routers.Retune(plan, now);
        foreach (HostedRouter r in plan.Stop)
            _routers.Stop(r, now);
        _output.Flush();
        foreach (HostedRouter r in plan.Stop)
            _routers.Release(r);
        SetPacing(config);
        beforeStart?.Invoke();
        if (_startAt.IsFinite)
        {
            foreach (HostedRouter r in built)
                _routers.Register(r);
        }
        else
        {
            _routers.Start(built, now);
        }
        _links.Refresh();
        _housekeeping.ConfigurationApplied(now, started: false);
        int added = built.Count(r => !plan.Stop.Any(s => s.Name == r.Name));
        Reloads++;
        LastReload = DateTimeOffset.UtcNow;
        HostLog.Reloaded(_log, plan.Keep.Count - plan.Retune.Count, plan.Retune.Count, built.Count - added, added, plan.Stop.Count(s => !config.Routers.Any(d => d.Name == s.Name)));
    }

    private void SetPacing(HostConfiguration config)
    {
        _output.GarpInterval = config.GarpInterval;
        _output.GnaInterval = config.GnaInterval;
    }

    // Startup: addresses tagged as ours (a previous run that died) and exact copies of ours go.
    private void RemoveLeftovers(List<HostedRouter> built)
    {
        VirtualAddress[] all = [.. built.SelectMany(r => r.Addresses)];
        try
        {
            foreach (InterfaceAddress a in _addresses.RemoveLeftovers(all))
                HostLog.LeftoverRemoved(_log, a.Address.ToString(), a.PrefixLength, _pool.InterfaceName(a.IfIndex));
        }
        catch (NetlinkException e)
        {
            HostLog.LeftoverFailed(_log, e.Message);
        }
    }

    /// <summary>Runs iterations until a stop is requested or the loop fails.</summary>
    public void Run()
    {
        while (!StopRequested && !Failed)
            RunOnce(-1);
    }

    /// <summary>
    /// One iteration: wait up to <paramref name="timeoutMilliseconds"/> (-1 without limit) for a
    /// socket, the timer or the inbox, then handle what is ready as described on the class.
    /// </summary>
    public void RunOnce(int timeoutMilliseconds)
    {
        _loop.Wait(timeoutMilliseconds);
        try
        {
            _loop.Dispatch();
            _receive.ReadBeforeTimers();
            RunDeadlines(EventLoop.Now());
            _output.Flush(yieldToDueRouters: true);
            ArmTimer();
            Iterations++;
            _consecutiveFailures = 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug must not leave the addresses behind: log, carry on, and after repeated
            // failures stop in order (priority 0, addresses removed) rather than spin.
            HostLog.LoopError(_log, e);
            if (++_consecutiveFailures >= MaxConsecutiveFailures)
                Failed = true;
        }
    }

    private void RunDeadlines(Instant now)
    {
        _receive.ResumeMuted(now);
        if (_startAt <= now)
        {
            _startAt = Instant.Never;
            _routers.StartWaiting(now);
        }
        RunRouterTimers(now);
        _links.PollIfDue(now, Housekeeping.SummaryInterval);
        _housekeeping.RunDue(now);
    }

    private void RunRouterTimers(Instant now)
    {
        // Collect first: handling a timer moves the router in the heap.
        _due.Clear();
        while (_deadlines.Count > 0)
        {
            HostedRouter r = _deadlines.Peek();
            if (r.Deadline > now && (r.Router.State != RouterState.Master || r.Deadline - now > r.TimerSlack))
                break;
            _deadlines.Remove(r);
            _due.Add(r);
        }
        foreach (HostedRouter r in _due)
        {
            // A Master's advertisement due within its slack goes out now, early by at most the
            // slack, so that hundreds of routers share wake-ups and sendmmsg calls; the router
            // sees its own deadline, so its advertisement interval does not drift.
            Instant at = r.Deadline > now ? r.Deadline : now;
            r.Router.HandleTimeout(at);
            _driver.Drain(r, at);
            if (r.HeapIndex < 0 && !r.Removed)
                _deadlines.Update(r, r.Router.PollTimeout());
        }
        _due.Clear();
    }

    private void ArmTimer()
    {
        Instant next = Instant.Min(_deadlines.Earliest, Instant.Min(_housekeeping.Earliest, Instant.Min(_links.PollAt, _startAt)));
        next = Instant.Min(next, Instant.Min(_output.NextGratuitous(), _receive.NextResume()));
        _loop.ArmAt(next);
    }

    /// <summary>
    /// Shutdown (RFC 5798 6.4.2, 6.4.3): every Master sends priority 0 and removes its addresses,
    /// every router stops (stops reported to the observer), VMACs are deleted, the no_accept
    /// table goes.
    /// </summary>
    public void Shutdown()
    {
        _routers.StopAll(EventLoop.Now());
        _acceptFilter.Remove(stale: false);
    }

    /// <summary>Asks the loop to stop (any thread): <see cref="Run"/> returns after the current iteration.</summary>
    public void RequestStop(string reason) => _inbox.Post(new HostInbox.Stop(reason));

    /// <summary>Gives an external tracker's state to every router tracking it, of any kind (any thread).</summary>
    public void SetTrackerState(string name, bool up) => _inbox.Post(new HostInbox.Tracker(null, name, up));

    /// <summary>Gives the state of external tracker <paramref name="name"/> of <paramref name="kind"/> (<see cref="TrackerDefinition.KindText"/>) to every router tracking it (any thread).</summary>
    public void SetTrackerState(string kind, string name, bool up) => _inbox.Post(new HostInbox.Tracker(kind, name, up));

    /// <summary>
    /// Gives the value of value tracker <paramref name="name"/> of <paramref name="kind"/>
    /// (<see cref="TrackerInput.Value"/>, keepalived's track_file) to every router tracking it (any thread).
    /// </summary>
    public void SetTrackerValue(string kind, string name, long value) => _inbox.Post(new HostInbox.TrackerValue(kind, name, value));

    /// <summary>Runs <paramref name="action"/> on the loop thread (any thread may call).</summary>
    public void Post(Action<VrrpHost> action) => _inbox.Post(new HostInbox.Invoke(action));

    /// <summary>A <see cref="Snapshot"/> taken on the loop thread (any thread may call).</summary>
    public Task<HostStatus> GetStatusAsync()
    {
        var reply = new TaskCompletionSource<HostStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbox.Post(new HostInbox.StatusRequest(reply));
        return reply.Task;
    }

    /// <summary>The runtime figures alone, read on the loop thread (cheap: no snapshot).</summary>
    public Task<RuntimeStatus> GetRuntimeAsync()
    {
        var reply = new TaskCompletionSource<RuntimeStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbox.Post(new HostInbox.RuntimeRequest(reply));
        return reply.Task;
    }

    /// <summary>The host's state now. Loop thread only.</summary>
    public HostStatus Snapshot() => StatusView.Snapshot(this, _routers, _receive.Endpoints, _wallClockAtZero, _startAt.IsFinite);

    /// <summary>Closes every socket and descriptor. Call <see cref="Shutdown"/> first to release the addresses.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        _monitor.Dispose();
        _netlink.Dispose();
        _inbox.Dispose();
        _loop.Dispose();
        _receive.Dispose();
    }
}
