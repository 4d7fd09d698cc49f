using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Simulation;

/// <summary>
/// N virtual routers on an in-memory LAN with a virtual clock that jumps from one deadline to
/// the next, so hours of protocol time run in milliseconds. Routers exchange real bytes: every
/// advertisement is emitted with <see cref="VrrpAdvertisement.Emit"/> and parsed by each
/// receiver with <see cref="VrrpAdvertisement.TryParse"/>. Frames take the sender's plus the
/// receiver's <see cref="SimulatedRouter.LinkDelay"/>, may be lost at the receiver with its
/// <see cref="SimulatedRouter.LossProbability"/>, and do not cross cut links. A run is fully
/// determined by the seed and the calls made: same seed, same timeline.
/// </summary>
/// <remarks>
/// Routers are powered off until <see cref="Start"/>. <see cref="Kill"/> is a crash (no
/// priority 0), <see cref="Stop"/> a graceful shutdown; after either, <see cref="Start"/>
/// boots a fresh <see cref="VirtualRouter"/> from the same options. Sync groups are not
/// simulated (a reboot would have to rebuild the group). The simulator allocates freely; the
/// routers themselves do not.
/// </remarks>
public sealed class SimulatedLan
{
    private readonly List<SimulatedRouter> _routers = [];
    private readonly List<TransitionRecord> _transitions = [];
    private readonly List<WireRecord> _wire = [];
    private readonly PriorityQueue<Delivery, (long Ticks, long Sequence)> _deliveries = new();
    private readonly PriorityQueue<Action<SimulatedLan>, (long Ticks, long Sequence)> _scheduled = new();
    private readonly HashSet<(int, int)> _cutLinks = [];
    private readonly Random _random;
    private const int MaxEventsPerInstant = 1_000_000;
    private long _sequence;
    private long _eventsAtNow;

    /// <summary>Creates an empty LAN whose random choices (loss) come from <paramref name="seed"/>.</summary>
    public SimulatedLan(int seed = 1)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    /// <summary>The seed of the run.</summary>
    public int Seed { get; }

    /// <summary>The virtual clock.</summary>
    public Instant Now { get; private set; }

    /// <summary>The routers, in the order added.</summary>
    public IReadOnlyList<SimulatedRouter> Routers => _routers;

    /// <summary>Every state change so far, in order.</summary>
    public IReadOnlyList<TransitionRecord> Transitions => _transitions;

    /// <summary>Wire events so far (when <see cref="RecordWireEvents"/> is on).</summary>
    public IReadOnlyList<WireRecord> WireEvents => _wire;

    /// <summary>Whether to keep <see cref="WireEvents"/>; turn off for very long runs. On by default.</summary>
    public bool RecordWireEvents { get; set; } = true;

    /// <summary>Told of every transition, wire event and delivery as it happens (e.g. an <see cref="InvariantChecker"/>); null for none.</summary>
    public ISimulationObserver? Observer { get; set; }

    /// <summary>Frames handed to a receiving router.</summary>
    public long FramesDelivered { get; private set; }

    /// <summary>Frames lost at a receiver.</summary>
    public long FramesLost { get; private set; }

    /// <summary>Frames stopped by a cut link.</summary>
    public long FramesBlocked { get; private set; }

    /// <summary>Powered routers in Master state.</summary>
    public IEnumerable<SimulatedRouter> Masters => _routers.Where(r => r.IsPowered && r.State == RouterState.Master);

    /// <summary>The router named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such router.</exception>
    public SimulatedRouter this[string name] => _routers.Find(r => r.Name == name) ?? throw new KeyNotFoundException($"no router named {name}");

    /// <summary>Adds a powered-off router. Names must be unique.</summary>
    /// <exception cref="ArgumentException">The options are invalid or the name is taken.</exception>
    public SimulatedRouter Add(VirtualRouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_routers.Exists(r => r.Name == options.Name)) throw new ArgumentException($"a router named {options.Name} already exists", nameof(options));
        SimulatedRouter router = new(_routers.Count, options);
        _routers.Add(router);
        return router;
    }

    /// <summary>Powers on and starts a router (a fresh state machine after a kill or stop). Does nothing if it runs.</summary>
    public void Start(SimulatedRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (router.IsPowered) return;
        router.IsPowered = true;
        router.Router.HandleStartup(Now);
        Drain(router);
    }

    /// <summary>Starts every router that is off.</summary>
    public void StartAll()
    {
        foreach (SimulatedRouter router in _routers) Start(router);
    }

    /// <summary>Crashes a router: it stops at once, sends nothing (no priority 0) and forgets its state.</summary>
    public void Kill(SimulatedRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (!router.IsPowered) return;
        router.IsPowered = false;
        router.HoldsAddresses = false;
        router.Router = new VirtualRouter(router.Options);
    }

    /// <summary>Shuts a router down gracefully (a Master sends priority 0), then powers it off.</summary>
    public void Stop(SimulatedRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (!router.IsPowered) return;
        router.Router.HandleShutdown(Now);
        Drain(router);
        router.IsPowered = false;
        router.Router = new VirtualRouter(router.Options);
    }

    /// <summary>Cuts every link of a router: it keeps running but hears nothing and is heard by no one.</summary>
    public void Cut(SimulatedRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        foreach (SimulatedRouter other in _routers)
            if (other != router) SetLink(router, other, up: false);
    }

    /// <summary>Restores every link of a router.</summary>
    public void Restore(SimulatedRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        foreach (SimulatedRouter other in _routers)
            if (other != router) SetLink(router, other, up: true);
    }

    /// <summary>Cuts or restores the link between two routers, in both directions.</summary>
    public void SetLink(SimulatedRouter a, SimulatedRouter b, bool up)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (up)
        {
            _cutLinks.Remove((a.Index, b.Index));
            _cutLinks.Remove((b.Index, a.Index));
        }
        else
        {
            _cutLinks.Add((a.Index, b.Index));
            _cutLinks.Add((b.Index, a.Index));
        }
    }

    /// <summary>True when frames can go from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool IsLinkUp(SimulatedRouter from, SimulatedRouter to) => !_cutLinks.Contains((from.Index, to.Index));

    /// <summary>Reports a router's interface state to it (down means Fault).</summary>
    public void SetInterfaceUp(SimulatedRouter router, bool up)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.Router.SetInterfaceUp(Now, up);
        Drain(router);
    }

    /// <summary>Reports a tracker's state to a router.</summary>
    public void SetTrackerState(SimulatedRouter router, int index, bool up)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.Router.SetTrackerState(Now, index, up);
        Drain(router);
    }

    /// <summary>Runs <paramref name="action"/> when the clock reaches <paramref name="at"/> (before frames and timers due then).</summary>
    public void Schedule(Instant at, Action<SimulatedLan> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _scheduled.Enqueue(action, (at.Ticks, _sequence++));
    }

    /// <summary>Advances the clock by <paramref name="duration"/>.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>Runs scheduled actions, deliveries and router timers in time order until <paramref name="end"/>.</summary>
    /// <exception cref="InvalidOperationException">Events keep coming at one instant without time passing (a protocol bug).</exception>
    public void RunUntil(Instant end)
    {
        while (true)
        {
            Instant next = NextEvent();
            if (!next.IsFinite || next > end)
            {
                if (end.IsFinite && end > Now) Now = end;
                return;
            }
            if (next > Now)
            {
                Now = next;
                _eventsAtNow = 0;
            }
            while (_scheduled.TryPeek(out _, out (long Ticks, long Sequence) due) && due.Ticks <= Now.Ticks)
            {
                CountEvent();
                _scheduled.Dequeue()(this);
            }
            while (_deliveries.TryPeek(out _, out (long Ticks, long Sequence) due) && due.Ticks <= Now.Ticks)
            {
                CountEvent();
                Deliver(_deliveries.Dequeue());
            }
            foreach (SimulatedRouter router in _routers)
            {
                if (!router.IsPowered || router.Router.PollTimeout() > Now) continue;
                CountEvent();
                router.Router.HandleTimeout(Now);
                Drain(router);
            }
        }
    }

    // Zero-delay links let a protocol bug ping-pong forever within one instant; stop instead.
    private void CountEvent()
    {
        if (++_eventsAtNow > MaxEventsPerInstant)
            throw new InvalidOperationException($"more than {MaxEventsPerInstant} events at {Now}: the routers keep answering each other without time passing");
    }

    /// <summary>The first transition into <paramref name="to"/> after <paramref name="since"/>, by a router other than <paramref name="exceptRouter"/>.</summary>
    public TransitionRecord? FirstTransitionAfter(Instant since, RouterState to, int exceptRouter = -1)
    {
        foreach (TransitionRecord record in _transitions)
            if (record.Time >= since && record.To == to && record.Router != exceptRouter) return record;
        return null;
    }

    private Instant NextEvent()
    {
        Instant next = Instant.Never;
        if (_scheduled.TryPeek(out _, out (long Ticks, long Sequence) scheduled)) next = Instant.Min(next, new Instant(scheduled.Ticks));
        if (_deliveries.TryPeek(out _, out (long Ticks, long Sequence) delivery)) next = Instant.Min(next, new Instant(delivery.Ticks));
        foreach (SimulatedRouter router in _routers)
            if (router.IsPowered) next = Instant.Min(next, router.Router.PollTimeout());
        return next;
    }

    private void Drain(SimulatedRouter router)
    {
        while (router.Router.TryPollAction(out RouterAction action))
        {
            switch (action.Kind)
            {
                case RouterActionKind.SendAdvertisement:
                    Transmit(router, action.Priority);
                    break;
                case RouterActionKind.AddAddresses:
                    router.HoldsAddresses = true;
                    RecordWire(router, WireEventKind.AddressesAdded, 0, 0);
                    break;
                case RouterActionKind.RemoveAddresses:
                    router.HoldsAddresses = false;
                    RecordWire(router, WireEventKind.AddressesRemoved, 0, 0);
                    break;
                case RouterActionKind.SendGratuitous:
                    RecordWire(router, WireEventKind.GratuitousSent, 0, _routers.Count - 1);
                    break;
                case RouterActionKind.StateChanged:
                    TransitionRecord transition = new(action.Time, router.Index, router.Name, action.From, action.To, action.Reason);
                    _transitions.Add(transition);
                    Observer?.OnTransition(in transition);
                    break;
            }
        }
    }

    private void Transmit(SimulatedRouter sender, byte priority)
    {
        VrrpAdvertisement advertisement = sender.Router.CreateAdvertisement(priority);
        IpAddr source = sender.Options.PrimaryAddress;
        IpAddr destination = source.IsIPv4 ? IpAddr.VrrpMulticastV4 : IpAddr.VrrpMulticastV6;
        byte[] message = new byte[advertisement.BufferLength];
        advertisement.Emit(message, source, destination, sender.ChecksumConvention);
        int receivers = 0;
        foreach (SimulatedRouter receiver in _routers)
        {
            if (receiver == sender || !receiver.IsPowered) continue;
            if (!IsLinkUp(sender, receiver))
            {
                FramesBlocked++;
                continue;
            }
            if (receiver.LossProbability > 0 && _random.NextDouble() < receiver.LossProbability)
            {
                FramesLost++;
                continue;
            }
            Instant arrival = Now + sender.LinkDelay + receiver.LinkDelay;
            _deliveries.Enqueue(new Delivery(message, source, destination, sender.Index, receiver.Index), (arrival.Ticks, _sequence++));
            receivers++;
        }
        RecordWire(sender, WireEventKind.AdvertisementSent, priority, receivers);
    }

    private void Deliver(Delivery delivery)
    {
        SimulatedRouter receiver = _routers[delivery.Receiver];
        if (!receiver.IsPowered) return;
        ParseError error = VrrpAdvertisement.TryParse(delivery.Message, delivery.Source, delivery.Destination, out VrrpAdvertisement advertisement, out _);
        if (error != ParseError.None)
        {
            receiver.ParseErrors++;
            return;
        }
        if (advertisement.VirtualRouterId != receiver.Options.VirtualRouterId || advertisement.Family != receiver.Options.Family)
        {
            receiver.OtherVirtualRouter++;
            return;
        }
        FramesDelivered++;
        RouterState state = receiver.Router.State;
        byte priority = receiver.Router.EffectivePriority;
        RejectReason reject = receiver.Router.HandleAdvertisement(Now, in advertisement, delivery.Source);
        Observer?.OnDelivery(new DeliveryRecord(Now, receiver.Index, delivery.Sender, advertisement.Priority, advertisement.AdvertIntervalCentiseconds, state, priority, reject));
        Drain(receiver);
    }

    private void RecordWire(SimulatedRouter router, WireEventKind kind, byte priority, int receivers)
    {
        WireRecord record = new(Now, router.Index, kind, priority, receivers);
        if (RecordWireEvents) _wire.Add(record);
        Observer?.OnWire(in record);
    }

    private readonly record struct Delivery(byte[] Message, IpAddr Source, IpAddr Destination, int Sender, int Receiver);
}
