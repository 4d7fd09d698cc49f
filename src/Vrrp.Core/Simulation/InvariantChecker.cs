using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Simulation;

/// <summary>
/// Checks a VRRP LAN against the protocol's invariants from what the LAN records
/// (<see cref="ISimulationObserver"/>) and the inputs it is told of (power, interface and tracker
/// changes). It keeps its own model of each router, written from RFC 5798 (RFC 3768 for
/// VRRPv2) and the configuration alone: its priorities, Master_Adver_Interval and the earliest
/// instant each Master_Down_Timer may expire are computed here, never read back from a
/// <see cref="VirtualRouter"/>, so a router that gets them wrong disagrees with it.
/// </summary>
/// <remarks>
/// Invariants (<see cref="InvariantKind"/>): at every <see cref="Checkpoint"/>, a router holds its
/// addresses iff it is a powered Master, and no Master has been silent longer than its
/// Advertisement_Interval; on every transition to Master from Backup, its Master_Down_Timer could
/// have expired; on every advertisement, the priority is the one the trackers give; at
/// <see cref="CheckConverged"/>, a single acceptable Master, and no transition afterwards.
/// Feed it in the order things happen; it is not thread-safe.
/// </remarks>
public sealed class InvariantChecker : ISimulationObserver
{
    /// <summary>Violations kept per run; later ones are counted in <see cref="ViolationCount"/> only.</summary>
    public const int MaxViolations = 50;

    private readonly RouterModel[] _routers;
    private readonly List<InvariantViolation> _violations = [];
    private bool _converged;

    /// <summary>A checker for the routers configured with <paramref name="routers"/>, by index, all powered off.</summary>
    /// <param name="routers">Each router's configuration, as the schedule gives it.</param>
    /// <param name="seed">The seed the violations carry.</param>
    public InvariantChecker(IReadOnlyList<VirtualRouterOptions> routers, int seed)
    {
        ArgumentNullException.ThrowIfNull(routers);
        _routers = [.. routers.Select((o, i) => new RouterModel(o, i))];
        Seed = seed;
    }

    /// <summary>The seed violations carry.</summary>
    public int Seed { get; }

    /// <summary>The violations seen so far (at most <see cref="MaxViolations"/>).</summary>
    public IReadOnlyList<InvariantViolation> Violations => _violations;

    /// <summary>How many violations were seen, including those not kept.</summary>
    public int ViolationCount { get; private set; }

    /// <summary>How many transitions were seen.</summary>
    public int TransitionCount { get; private set; }

    /// <summary>A router's host was powered on (before its startup) or off (a kill: its state and addresses are gone; a stop: after its shutdown).</summary>
    public void PowerChanged(Instant now, int router, bool powered)
    {
        RouterModel m = _routers[router];
        if (!powered && m.State == RouterState.Master) CheckSilence(m, now);
        m.Powered = powered;
        if (powered) return;
        m.State = RouterState.Initialize;
        m.HoldsAddresses = false;
        m.DownNotBefore = Instant.Never;
    }

    /// <summary>A router's interface went down or up (down means Fault).</summary>
    public void InterfaceChanged(int router, bool up) => _routers[router].InterfaceUp = up;

    /// <summary>A router's tracker <paramref name="tracker"/> reported <paramref name="up"/>.</summary>
    public void TrackerChanged(int router, int tracker, bool up) => _routers[router].TrackerUp[tracker] = up;

    /// <inheritdoc/>
    public void OnTransition(in TransitionRecord transition)
    {
        TransitionCount++;
        RouterModel m = _routers[transition.Router];
        Instant now = transition.Time;
        if (_converged)
            Report(InvariantKind.SingleMaster, now, $"{m.Name} went {transition.From} -> {transition.To} ({transition.Reason}) after convergence", transition.Router);
        if (m.State != transition.From)
            Report(InvariantKind.Simulation, now, $"{m.Name} went {transition.From} -> {transition.To}, but the records had it in {m.State}", transition.Router);
        if (m.State == RouterState.Master && transition.To != RouterState.Master) CheckSilence(m, now);
        switch (transition.To)
        {
            case RouterState.Master:
                // RFC 5798 6.4.1: the owner goes Master at once; anyone else from Backup only when
                // its Master_Down_Timer fires.
                if (transition.From == RouterState.Backup && !m.IsOwner && now < m.DownNotBefore)
                    Report(InvariantKind.MasterDownTooEarly, now,
                        $"{m.Name} became Master ({transition.Reason}) {Ms(m.DownNotBefore - now)} before its Master_Down_Timer could expire: {DescribeTimer(m)}", transition.Router);
                m.SilentSince = now;
                m.DownNotBefore = Instant.Never;
                break;
            case RouterState.Backup:
                // RFC 5798 6.4.1 (startup) and keepalived (out of Fault): Master_Adver_Interval is
                // our own interval. From Master it was learned from the advertisement that made us
                // yield (RFC 5798 6.4.3, see OnDelivery). Either way the timer starts now.
                if (transition.From != RouterState.Master) m.MasterAdverInterval = m.Interval;
                SetTimer(m, now, MasterDownInterval(m), TimerSetBy.EnteredBackup, -1, 0);
                break;
            default:
                m.DownNotBefore = Instant.Never;
                break;
        }
        m.State = transition.To;
    }

    /// <inheritdoc/>
    public void OnWire(in WireRecord wire)
    {
        RouterModel m = _routers[wire.Router];
        switch (wire.Kind)
        {
            case WireEventKind.AdvertisementSent when wire.Priority > 0:
                CheckPriority(m, wire.Time, wire.Priority, "advertised", wire.Router);
                if (m.State == RouterState.Master)
                {
                    CheckSilence(m, wire.Time);
                    m.SilentSince = wire.Time;
                }
                break;
            case WireEventKind.AddressesAdded:
                m.HoldsAddresses = true;
                break;
            case WireEventKind.AddressesRemoved:
                m.HoldsAddresses = false;
                break;
        }
    }

    /// <inheritdoc/>
    public void OnDelivery(in DeliveryRecord delivery)
    {
        RouterModel m = _routers[delivery.Receiver];
        if (!m.Powered) return;
        CheckPriority(m, delivery.Time, delivery.ReceiverPriority, "held", delivery.Receiver);
        // RFC 3768 7.1: a VRRPv2 advertisement with another interval is discarded.
        if (m.Version == VrrpVersion.V2 && delivery.AdvertIntervalCentiseconds != m.Options.AdvertIntervalCentiseconds) return;
        TimeSpan interval = Centiseconds(delivery.AdvertIntervalCentiseconds);
        if (m.State == RouterState.Backup)
        {
            if (delivery.Priority == 0)
            {
                // RFC 5798 6.4.2: priority 0 sets the Master_Down_Timer to Skew_Time.
                SetTimer(m, delivery.Time, SkewTime(m), TimerSetBy.PriorityZero, delivery.Sender, 0);
            }
            else if (!m.Preempt || delivery.Priority >= m.Priority)
            {
                // RFC 5798 6.4.2: learn Master_Adver_Interval (VRRPv3 only; RFC 3768 has none to
                // learn), reset the Master_Down_Timer to Master_Down_Interval. Otherwise discard.
                if (m.Version == VrrpVersion.V3) m.MasterAdverInterval = interval;
                SetTimer(m, delivery.Time, MasterDownInterval(m), TimerSetBy.Advertisement, delivery.Sender, delivery.Priority);
            }
        }
        else if (m.State == RouterState.Master && m.Version == VrrpVersion.V3)
        {
            // RFC 5798 6.4.3: a higher priority, or an equal one from a greater primary address,
            // makes the Master yield with the sender's interval as Master_Adver_Interval.
            IpAddr sender = _routers[delivery.Sender].Options.PrimaryAddress;
            if (delivery.Priority > m.Priority || (delivery.Priority == m.Priority && sender > m.Options.PrimaryAddress))
                m.MasterAdverInterval = interval;
        }
    }

    /// <summary>Checks what must hold at any quiet moment: addresses iff powered Master, no silent Master.</summary>
    public void Checkpoint(Instant now)
    {
        for (int i = 0; i < _routers.Length; i++)
        {
            RouterModel m = _routers[i];
            bool master = m.Powered && m.State == RouterState.Master;
            if (m.HoldsAddresses != master && !m.AddressesReported)
            {
                m.AddressesReported = true;
                Report(InvariantKind.AddressesFollowMaster, now, master
                    ? $"{m.Name} is Master without its addresses"
                    : $"{m.Name} holds the addresses while {(m.Powered ? m.State.ToString() : "powered off")}", i);
            }
            else if (m.HoldsAddresses == master)
            {
                m.AddressesReported = false;
            }
            if (master) CheckSilence(m, now);
        }
    }

    /// <summary>
    /// Checks, at the end of the convergence window, that there is exactly one Master and that no
    /// other powered router without a fault would take over from it (an owner, or a preempting
    /// router of higher priority); from then on every transition is a violation.
    /// </summary>
    /// <remarks>
    /// The Master need not be the router of highest priority: a Backup of higher priority with
    /// Preempt_Mode off accepts a lower Master, and one of equal priority accepts it whatever the
    /// addresses (RFC 5798 6.4.2); the address tie-break applies between two Masters only (6.4.3).
    /// With every router preempting and distinct priorities, the Master must be the best one.
    /// </remarks>
    public void CheckConverged(Instant now)
    {
        Checkpoint(now);
        List<int> masters = [.. Enumerable.Range(0, _routers.Length).Where(i => _routers[i].Powered && _routers[i].State == RouterState.Master)];
        if (masters.Count != 1)
        {
            Report(InvariantKind.SingleMaster, now, $"{masters.Count} Masters after the convergence window: {DescribeAll()}", [.. masters]);
        }
        else
        {
            RouterModel master = _routers[masters[0]];
            if (master.Faulted)
                Report(InvariantKind.SingleMaster, now, $"{master.Name} is Master with a fault: {DescribeAll()}", masters[0]);
            for (int i = 0; i < _routers.Length; i++)
            {
                RouterModel r = _routers[i];
                if (i == masters[0] || !r.Powered || r.Faulted) continue;
                if (r.IsOwner && !master.IsOwner)
                    Report(InvariantKind.SingleMaster, now, $"the owner {r.Name} is not Master: {DescribeAll()}", i, masters[0]);
                else if (r.Preempt && r.Priority > master.Priority)
                    Report(InvariantKind.SingleMaster, now, $"{r.Name} outranks Master {master.Name} and preempts, yet stays {r.State}: {DescribeAll()}", i, masters[0]);
            }
        }
        _converged = true;
    }

    /// <summary>Records a violation found outside the checker (e.g. the simulation failed).</summary>
    public void Report(InvariantKind kind, Instant now, string detail, params int[] routers)
    {
        ArgumentNullException.ThrowIfNull(routers);
        ViolationCount++;
        if (_violations.Count < MaxViolations)
            _violations.Add(new InvariantViolation(kind, Seed, now, [.. routers.Select(r => _routers[r].Name)], detail));
    }

    private void CheckSilence(RouterModel m, Instant now)
    {
        // RFC 5798 6.4.3: the Adver_Timer fires every Advertisement_Interval and sends.
        if (now - m.SilentSince <= m.Interval) return;
        Report(InvariantKind.MasterSilence, now, $"{m.Name} is Master and sent nothing for {Ms(now - m.SilentSince)} (interval {Ms(m.Interval)})", m.Index);
        m.SilentSince = now;
    }

    private void CheckPriority(RouterModel m, Instant now, byte priority, string how, int index)
    {
        if (priority == m.Priority || m.PriorityReported) return;
        m.PriorityReported = true;
        Report(InvariantKind.Priority, now, $"{m.Name} {how} priority {priority}, expected {m.Priority} (configured {m.Options.Priority}, trackers {string.Join(",", m.TrackerUp.Select(u => u ? "up" : "down"))})", index);
    }

    private static void SetTimer(RouterModel m, Instant now, TimeSpan duration, TimerSetBy by, int sender, byte priority)
    {
        m.DownNotBefore = now + duration;
        m.DownSetAt = now;
        m.DownSetBy = by;
        m.DownSender = sender;
        m.DownPriority = priority;
        m.DownOwnPriority = m.Priority;
        m.DownInterval = m.MasterAdverInterval;
    }

    // RFC 5798 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, exact (not
    // rounded to centiseconds); RFC 3768 6.1: (256 - Priority) / 256 seconds.
    private static TimeSpan SkewTime(RouterModel m) => m.Version == VrrpVersion.V2
        ? TimeSpan.FromTicks((256 - m.Priority) * TimeSpan.TicksPerSecond / 256)
        : TimeSpan.FromTicks((256 - m.Priority) * m.MasterAdverInterval.Ticks / 256);

    // RFC 5798 6.1 and RFC 3768 6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.
    private static TimeSpan MasterDownInterval(RouterModel m) => 3 * m.MasterAdverInterval + SkewTime(m);

    private static TimeSpan Centiseconds(int centiseconds) => TimeSpan.FromTicks(centiseconds * TimeSpan.TicksPerMillisecond * 10);

    private string DescribeTimer(RouterModel m)
    {
        string what = m.DownSetBy switch
        {
            TimerSetBy.EnteredBackup => "it entered Backup",
            TimerSetBy.PriorityZero => $"priority 0 from {_routers[m.DownSender].Name}",
            _ => $"an advertisement from {_routers[m.DownSender].Name} with priority {m.DownPriority}",
        };
        return $"set at {m.DownSetAt} by {what}, own priority {m.DownOwnPriority}, Master_Adver_Interval {Ms(m.DownInterval)}, earliest expiry {m.DownNotBefore}";
    }

    private string DescribeAll() => string.Join("; ", _routers.Select(r => r.Powered
        ? $"{r.Name} {r.State} priority {r.Priority}{(r.Preempt ? "" : " nopreempt")}{(r.Faulted ? " faulted" : "")}"
        : $"{r.Name} off"));

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0.####} ms";

    private enum TimerSetBy : byte { EnteredBackup, Advertisement, PriorityZero }

    // The checker's view of one router: inputs it was told of, outputs it saw, and the RFC
    // timer state derived from them.
    private sealed class RouterModel(VirtualRouterOptions options, int index)
    {
        public VirtualRouterOptions Options { get; } = options;
        public int Index { get; } = index;
        public string Name => Options.Name;
        public VrrpVersion Version => Options.Version;
        public bool IsOwner => VirtualRouterOptions.IsOwnerPriority(Options.Priority);
        // RFC 5798 6.1: the owner always preempts.
        public bool Preempt => Options.Preempt || IsOwner;
        public TimeSpan Interval { get; } = Centiseconds(options.AdvertIntervalCentiseconds);
        public bool[] TrackerUp { get; } = [.. options.Trackers.Select(_ => true)];
        public bool Powered { get; set; }
        public bool InterfaceUp { get; set; } = true;
        public RouterState State { get; set; }
        public bool HoldsAddresses { get; set; }
        public TimeSpan MasterAdverInterval { get; set; }
        public Instant SilentSince { get; set; }
        public Instant DownNotBefore { get; set; } = Instant.Never;
        public Instant DownSetAt { get; set; }
        public TimerSetBy DownSetBy { get; set; }
        public int DownSender { get; set; }
        public byte DownPriority { get; set; }
        public byte DownOwnPriority { get; set; }
        public TimeSpan DownInterval { get; set; }
        public bool AddressesReported { get; set; }
        public bool PriorityReported { get; set; }

        // keepalived weights: a positive weight counts while up, a negative one while down;
        // the owner's 255 never moves.
        public byte Priority
        {
            get
            {
                if (IsOwner) return VirtualRouterOptions.OwnerPriority;
                int priority = Options.Priority;
                for (int i = 0; i < TrackerUp.Length; i++)
                {
                    TrackerOptions tracker = Options.Trackers[i];
                    bool up = TrackerUp[i] != tracker.Reverse;
                    if ((tracker.Weight > 0 && up) || (tracker.Weight < 0 && !up)) priority += tracker.Weight;
                }
                return (byte)Math.Clamp(priority, 1, 254);
            }
        }

        // keepalived Fault: the interface is down or a tracker of weight 0 is down.
        public bool Faulted
        {
            get
            {
                if (!InterfaceUp) return true;
                for (int i = 0; i < TrackerUp.Length; i++)
                    if (Options.Trackers[i].Weight == 0 && TrackerUp[i] == Options.Trackers[i].Reverse) return true;
                return false;
            }
        }
    }
}
