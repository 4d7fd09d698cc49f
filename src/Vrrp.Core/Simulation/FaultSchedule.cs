using System.Globalization;
using System.Text;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Simulation;

/// <summary>What a <see cref="FaultEvent"/> does to a <see cref="SimulatedLan"/>.</summary>
public enum FaultKind : byte
{
    /// <summary>Frames arriving at <see cref="FaultEvent.Router"/> are lost with probability <see cref="FaultEvent.Loss"/> (0 ends the loss).</summary>
    Loss,
    /// <summary>The one-way delay of <see cref="FaultEvent.Router"/>'s port becomes <see cref="FaultEvent.Delay"/>.</summary>
    Delay,
    /// <summary>The link between <see cref="FaultEvent.Router"/> and <see cref="FaultEvent.Other"/> is cut, both ways.</summary>
    Partition,
    /// <summary>The link between <see cref="FaultEvent.Router"/> and <see cref="FaultEvent.Other"/> carries frames again.</summary>
    HealLink,
    /// <summary>Every link of <see cref="FaultEvent.Router"/> is cut: it runs, hears nothing and is heard by no one.</summary>
    Cut,
    /// <summary>The links cut by <see cref="Cut"/> are restored.</summary>
    Restore,
    /// <summary>The router's host crashes: no priority 0, its addresses vanish with it.</summary>
    Kill,
    /// <summary>The router shuts down gracefully (a Master sends priority 0), then its host is off.</summary>
    Stop,
    /// <summary>The router's host boots and starts a fresh state machine (after <see cref="Kill"/> or <see cref="Stop"/>).</summary>
    Start,
    /// <summary>The router's interface loses carrier: no frames in or out, the router goes to Fault.</summary>
    InterfaceDown,
    /// <summary>The interface has carrier again.</summary>
    InterfaceUp,
    /// <summary>The router's tracker (a track script) reports down: its weight changes the priority, weight 0 means Fault.</summary>
    TrackerDown,
    /// <summary>The tracker reports up again.</summary>
    TrackerUp,
    /// <summary>Everything is healed at once: no loss, base delays, every link up, interfaces and trackers up, every router started.</summary>
    HealAll,
}

/// <summary>One fault at a time from the start of a <see cref="FaultSchedule"/>.</summary>
/// <param name="At">When, from the start of the run.</param>
/// <param name="Kind">What.</param>
/// <param name="Router">Index of the router concerned (-1 for <see cref="FaultKind.HealAll"/>).</param>
/// <param name="Other">The other end of a link (<see cref="FaultKind.Partition"/>, <see cref="FaultKind.HealLink"/>), else -1.</param>
/// <param name="Loss">The loss probability of a <see cref="FaultKind.Loss"/>.</param>
/// <param name="Delay">The port delay of a <see cref="FaultKind.Delay"/>.</param>
public readonly record struct FaultEvent(TimeSpan At, FaultKind Kind, int Router, int Other = -1, double Loss = 0, TimeSpan Delay = default)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        string at = At.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
        string router = $"r{Router + 1}";
        return Kind switch
        {
            FaultKind.Loss => $"{at} {router} loss {Loss.ToString("0.##", CultureInfo.InvariantCulture)}",
            FaultKind.Delay => $"{at} {router} delay {Delay.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms",
            FaultKind.Partition or FaultKind.HealLink => $"{at} {Kind} r{Router + 1}-r{Other + 1}",
            FaultKind.HealAll => $"{at} HealAll",
            _ => $"{at} {Kind} {router}",
        };
    }
}

/// <summary>A router of a <see cref="FaultSchedule"/>: its configuration, its port's base delay and when it first boots.</summary>
/// <param name="Options">The configuration (one tracker, index 0).</param>
/// <param name="BaseDelay">The one-way delay of its port outside <see cref="FaultKind.Delay"/> faults, and after the heal.</param>
/// <param name="StartAt">When it first boots.</param>
public sealed record FaultScheduleRouter(VirtualRouterOptions Options, TimeSpan BaseDelay, TimeSpan StartAt);

/// <summary>
/// A LAN of routers of one VRID and a timed list of faults ending with <see cref="FaultKind.HealAll"/>,
/// as <see cref="FaultScheduleGenerator"/> makes them and <see cref="FaultRunner"/> runs them:
/// the faulty phase, then the heal at <see cref="HealAt"/>, a convergence window until
/// <see cref="ConvergedBy"/>, and a stable phase until <see cref="End"/>.
/// </summary>
/// <param name="Seed">The seed it was generated from; also the seed of the LAN's loss draws.</param>
/// <param name="Routers">The routers, by index.</param>
/// <param name="Faults">The faults in time order, the last one <see cref="FaultKind.HealAll"/> at <see cref="HealAt"/>.</param>
/// <param name="HealAt">When everything is healed.</param>
/// <param name="ConvergedBy">When a single Master must be in place (<see cref="FaultScheduleGenerator.ConvergenceWindow"/> after the heal).</param>
/// <param name="End">End of the run: a stable phase of 20 of the largest intervals after <see cref="ConvergedBy"/>.</param>
public sealed record FaultSchedule(int Seed, IReadOnlyList<FaultScheduleRouter> Routers, IReadOnlyList<FaultEvent> Faults,
    TimeSpan HealAt, TimeSpan ConvergedBy, TimeSpan End)
{
    /// <summary>The VRRP version every router speaks.</summary>
    public VrrpVersion Version => Routers[0].Options.Version;

    /// <summary>The largest Advertisement_Interval of the routers.</summary>
    public TimeSpan LargestInterval => Routers.Max(r => VrrpTiming.FromCentiseconds(r.Options.AdvertIntervalCentiseconds));

    /// <summary>Every router, one per line, then every fault, one per line: enough to read a failing run.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed {Seed}: VRRPv{(int)Version} {Routers[0].Options.Family}, heal at {Ms(HealAt)}, converged by {Ms(ConvergedBy)}, end {Ms(End)}").AppendLine();
        foreach (FaultScheduleRouter r in Routers)
        {
            VirtualRouterOptions o = r.Options;
            TrackerOptions tracker = o.Trackers.Count > 0 ? o.Trackers[0] : default;
            text.Append(CultureInfo.InvariantCulture,
                $"  {o.Name} {o.PrimaryAddress} priority {o.Priority}{(o.Preempt ? "" : " nopreempt")} interval {o.AdvertIntervalCentiseconds} cs tracker weight {tracker.Weight} delay {Ms(r.BaseDelay)} start {Ms(r.StartAt)}").AppendLine();
        }
        foreach (FaultEvent fault in Faults) text.Append("  ").Append(fault.ToString()).AppendLine();
        return text.ToString();
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
