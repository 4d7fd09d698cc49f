namespace Vrrp.Core.Router;

/// <summary>
/// keepalived's priority arithmetic (vrrpd follows keepalived 2.2.7 here; the RFCs leave
/// priority changes to the implementation): each tracker contributes a number, the total is
/// the configured priority plus every contribution with no clamping on the way, and only the
/// effective priority is clamped to 1..254. The address owner stays at 255 whatever its
/// trackers say (RFC 5798 5.2.4: the owner's priority is 255).
/// </summary>
public static class TrackerWeights
{
    /// <summary>The status of a <see cref="TrackerInput.Value"/> tracker that puts its router in Fault.</summary>
    public const int FaultStatus = -254;

    /// <summary>The highest status a <see cref="TrackerInput.Value"/> tracker can add.</summary>
    public const int MaxStatus = 253;

    /// <summary>
    /// What an up/down tracker adds: a positive weight counts while the tracker is up, a negative
    /// one while it is down, and <c>reverse</c> negates the amount (keepalived multiplies the
    /// weight by -1; it does not swap up and down). Weight 0 adds nothing: it faults instead
    /// (<see cref="StateFaults"/>).
    /// </summary>
    public static int StateContribution(int weight, bool reverse, bool up)
    {
        if (weight == 0 || (weight > 0) != up) return 0;
        return reverse ? -weight : weight;
    }

    /// <summary>An up/down tracker of weight 0 faults its router while down (while up with <c>reverse</c>).</summary>
    public static bool StateFaults(int weight, bool reverse, bool up) => weight == 0 && up == reverse;

    /// <summary>
    /// The status of a <see cref="TrackerInput.Value"/> tracker (keepalived <c>track_file</c>):
    /// with a weight, value × weight (× -1 with <c>reverse</c>) clamped to
    /// <see cref="FaultStatus"/>..<see cref="MaxStatus"/>; with weight 0, <see cref="FaultStatus"/>
    /// for any value but 0 (with <c>reverse</c>: for 0) and 0 otherwise. A status of
    /// <see cref="FaultStatus"/> means Fault and adds nothing; any other status is added.
    /// </summary>
    public static int ValueStatus(int weight, bool reverse, long value)
    {
        if (weight == 0) return (value != 0) != reverse ? FaultStatus : 0;
        // |value| < 2^33 and |weight| <= 254 keep the product far inside a long.
        long product = Math.Clamp(value, -(1L << 33), 1L << 33) * weight * (reverse ? -1 : 1);
        return (int)Math.Clamp(product, FaultStatus, MaxStatus);
    }

    /// <summary>
    /// The effective priority for a total (configured priority plus every contribution): 255 for
    /// the owner whatever the total, otherwise the total clamped to 1..254.
    /// </summary>
    public static byte EffectivePriority(byte configured, long total) =>
        VirtualRouterOptions.IsOwnerPriority(configured) ? VirtualRouterOptions.OwnerPriority : (byte)Math.Clamp(total, 1, 254);
}
