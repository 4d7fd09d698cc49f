namespace Vrrp.Core.Simulation;

/// <summary>
/// Applies <see cref="FaultEvent"/>s to a <see cref="SimulatedLan"/> and tells the
/// <see cref="InvariantChecker"/> of each input first. Owns the fault state the LAN does not
/// keep: which routers are cut, which links partitioned, which interfaces and trackers down.
/// A link carries frames only when neither end is cut or has its interface down and the pair
/// is not partitioned. A router booted again gets its interface and tracker states re-applied,
/// as a host would find them.
/// </summary>
internal sealed class FaultInjector
{
    private readonly SimulatedLan _lan;
    private readonly InvariantChecker _checker;
    private readonly FaultSchedule _schedule;
    private readonly bool[] _cut;
    private readonly bool[] _interfaceDown;
    private readonly bool[] _trackerDown;
    private readonly HashSet<(int, int)> _partitions = [];

    public FaultInjector(SimulatedLan lan, InvariantChecker checker, FaultSchedule schedule)
    {
        _lan = lan;
        _checker = checker;
        _schedule = schedule;
        int count = schedule.Routers.Count;
        _cut = new bool[count];
        _interfaceDown = new bool[count];
        _trackerDown = new bool[count];
    }

    public int Applied { get; private set; }

    public void Apply(FaultEvent fault)
    {
        Applied++;
        int i = fault.Router;
        switch (fault.Kind)
        {
            case FaultKind.Loss: _lan.Routers[i].LossProbability = fault.Loss; break;
            case FaultKind.Delay: _lan.Routers[i].LinkDelay = fault.Delay; break;
            case FaultKind.Partition: _partitions.Add(Pair(i, fault.Other)); ApplyLinks(); break;
            case FaultKind.HealLink: _partitions.Remove(Pair(i, fault.Other)); ApplyLinks(); break;
            case FaultKind.Cut: _cut[i] = true; ApplyLinks(); break;
            case FaultKind.Restore: _cut[i] = false; ApplyLinks(); break;
            case FaultKind.Kill: Kill(i); break;
            case FaultKind.Stop: Stop(i); break;
            case FaultKind.Start: Start(i); break;
            case FaultKind.InterfaceDown: SetInterface(i, up: false); break;
            case FaultKind.InterfaceUp: SetInterface(i, up: true); break;
            case FaultKind.TrackerDown: SetTracker(i, up: false); break;
            case FaultKind.TrackerUp: SetTracker(i, up: true); break;
            case FaultKind.HealAll: HealAll(); break;
        }
    }

    public void Start(int i)
    {
        SimulatedRouter router = _lan.Routers[i];
        if (router.IsPowered) return;
        // The fresh state machine starts with interface and trackers up; tell it how they are.
        _lan.SetInterfaceUp(router, !_interfaceDown[i]);
        _lan.SetTrackerState(router, 0, !_trackerDown[i]);
        _checker.PowerChanged(_lan.Now, i, powered: true);
        _lan.Start(router);
    }

    private void Kill(int i)
    {
        SimulatedRouter router = _lan.Routers[i];
        if (!router.IsPowered) return;
        _checker.PowerChanged(_lan.Now, i, powered: false);
        _lan.Kill(router);
    }

    private void Stop(int i)
    {
        SimulatedRouter router = _lan.Routers[i];
        if (!router.IsPowered) return;
        _lan.Stop(router);
        _checker.PowerChanged(_lan.Now, i, powered: false);
    }

    // Carrier lost: the link stops first, so a Master's priority 0 on entering Fault is lost
    // with it; on recovery the link carries frames before the router leaves Fault.
    private void SetInterface(int i, bool up)
    {
        _interfaceDown[i] = !up;
        ApplyLinks();
        _checker.InterfaceChanged(i, up);
        _lan.SetInterfaceUp(_lan.Routers[i], up);
    }

    private void SetTracker(int i, bool up)
    {
        _trackerDown[i] = !up;
        _checker.TrackerChanged(i, 0, up);
        _lan.SetTrackerState(_lan.Routers[i], 0, up);
    }

    private void HealAll()
    {
        _partitions.Clear();
        Array.Clear(_cut);
        for (int i = 0; i < _cut.Length; i++)
        {
            _lan.Routers[i].LossProbability = 0;
            _lan.Routers[i].LinkDelay = _schedule.Routers[i].BaseDelay;
        }
        for (int i = 0; i < _cut.Length; i++)
            if (_interfaceDown[i]) SetInterface(i, up: true);
        ApplyLinks();
        for (int i = 0; i < _cut.Length; i++)
            if (_trackerDown[i]) SetTracker(i, up: true);
        for (int i = 0; i < _cut.Length; i++) Start(i);
    }

    private void ApplyLinks()
    {
        for (int a = 0; a < _cut.Length; a++)
        {
            for (int b = a + 1; b < _cut.Length; b++)
            {
                bool up = !_cut[a] && !_cut[b] && !_interfaceDown[a] && !_interfaceDown[b] && !_partitions.Contains((a, b));
                _lan.SetLink(_lan.Routers[a], _lan.Routers[b], up);
            }
        }
    }

    private static (int, int) Pair(int a, int b) => a < b ? (a, b) : (b, a);
}
