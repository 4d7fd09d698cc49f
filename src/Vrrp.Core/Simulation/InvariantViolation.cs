using Vrrp.Core.Router;

namespace Vrrp.Core.Simulation;

/// <summary>The invariants <see cref="InvariantChecker"/> checks.</summary>
public enum InvariantKind : byte
{
    /// <summary>
    /// After the final heal and the convergence window: exactly one Master, one no other router
    /// would take over from (an owner, or a preempting router of higher priority), and no
    /// transition afterwards.
    /// </summary>
    SingleMaster,
    /// <summary>A router holds the virtual addresses exactly while it is a powered Master.</summary>
    AddressesFollowMaster,
    /// <summary>A Master advertises at least every Advertisement_Interval (RFC 5798 6.4.3).</summary>
    MasterSilence,
    /// <summary>
    /// A Backup becomes Master no earlier than Master_Down_Interval after the last advertisement
    /// that reset its timer, or Skew_Time after a priority 0 (RFC 5798 6.1, 6.4.2; RFC 3768 6.1, 6.4.2).
    /// </summary>
    MasterDownTooEarly,
    /// <summary>A router's effective priority, advertised or held, is its configured priority moved by its trackers' weights (owner: 255).</summary>
    Priority,
    /// <summary>The simulation itself failed (e.g. routers answering each other forever without time passing).</summary>
    Simulation,
}

/// <summary>An invariant that did not hold: which, when, who, and what was seen, with the seed to reproduce it.</summary>
/// <param name="Kind">Which invariant.</param>
/// <param name="Seed">The seed of the run (<see cref="FaultScheduleGenerator.Generate"/> reproduces it).</param>
/// <param name="Time">Virtual time of the violation.</param>
/// <param name="Routers">The routers concerned, by name.</param>
/// <param name="Detail">What was seen against what was expected.</param>
public sealed record InvariantViolation(InvariantKind Kind, int Seed, Instant Time, IReadOnlyList<string> Routers, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"seed {Seed} at {Time}: {Kind} [{string.Join(", ", Routers)}]: {Detail}";
}
