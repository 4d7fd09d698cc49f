namespace Vrrp.Core.Router;

/// <summary>Counters of one <see cref="VirtualRouter"/>, for <c>vrrpd status</c>. Read-only for the host.</summary>
public sealed class RouterCounters
{
    private readonly long[] _rejected = new long[(int)RejectReason.AddressListMismatch + 1];

    /// <summary>Advertisements asked to be sent, including priority 0.</summary>
    public long AdvertisementsSent { get; internal set; }
    /// <summary>Priority-0 advertisements asked to be sent (shutdown or Fault as Master).</summary>
    public long PriorityZeroSent { get; internal set; }
    /// <summary>Advertisements accepted (not rejected), whatever the state machine then did with them.</summary>
    public long AdvertisementsReceived { get; internal set; }
    /// <summary>Accepted advertisements of priority 0.</summary>
    public long PriorityZeroReceived { get; internal set; }
    /// <summary>Lower-priority advertisements a preempting Backup discarded (RFC 5798 6.4.2).</summary>
    public long LowerPriorityDiscarded { get; internal set; }
    /// <summary>Lower-priority advertisements a Master answered with its own (RFC 9568 6.4.3).</summary>
    public long LowerPriorityAnswered { get; internal set; }
    /// <summary>Accepted advertisements whose address list differs from ours (RFC 5798 7.1).</summary>
    public long AddressListMismatches { get; internal set; }
    /// <summary>Transitions to Master.</summary>
    public long BecameMaster { get; internal set; }
    /// <summary>Transitions out of Master.</summary>
    public long ReleasedMaster { get; internal set; }
    /// <summary>Transitions to Fault.</summary>
    public long EnteredFault { get; internal set; }
    /// <summary>Master_Down expiries on which the sync group held this Backup back.</summary>
    public long HeldBySyncGroup { get; internal set; }

    /// <summary>Advertisements rejected for <paramref name="reason"/>.</summary>
    public long Rejected(RejectReason reason) => reason == RejectReason.None ? 0 : _rejected[(int)reason];

    /// <summary>All rejected advertisements.</summary>
    public long TotalRejected
    {
        get
        {
            long sum = 0;
            foreach (long n in _rejected) sum += n;
            return sum;
        }
    }

    internal void CountRejected(RejectReason reason) => _rejected[(int)reason]++;

    /// <summary>Sets every counter back to 0 (keepalived's statistics dump with clearing). Same thread as the router.</summary>
    public void Clear()
    {
        AdvertisementsSent = PriorityZeroSent = AdvertisementsReceived = PriorityZeroReceived = 0;
        LowerPriorityDiscarded = LowerPriorityAnswered = AddressListMismatches = 0;
        BecameMaster = ReleasedMaster = EnteredFault = HeldBySyncGroup = 0;
        Array.Clear(_rejected);
    }
}
