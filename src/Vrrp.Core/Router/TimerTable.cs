using System.Runtime.CompilerServices;

namespace Vrrp.Core.Router;

/// <summary>The router's timers; the next deadline is the earliest of them.</summary>
internal enum TimerKind
{
    /// <summary>Backup: Master_Down_Timer (RFC 5798 6.4.2).</summary>
    MasterDown,
    /// <summary>Master: Adver_Timer (RFC 5798 6.4.3).</summary>
    Advert,
    /// <summary>Master: second gratuitous burst after garp_master_delay.</summary>
    GarpDelayed,
    /// <summary>Master: periodic garp_master_refresh burst.</summary>
    GarpRefresh,
    /// <summary>Master: delayed burst after hearing a lower priority (garp_lower_prio_delay).</summary>
    GarpLowerPriority,
}

/// <summary>A fixed table of deadlines, one per <see cref="TimerKind"/>, stored inline.</summary>
[InlineArray(Count)]
internal struct TimerTable
{
    public const int Count = 5;

    private Instant _first;

    public static TimerTable AllNever()
    {
        TimerTable table = default;
        table.CancelAll();
        return table;
    }

    public void Set(TimerKind kind, Instant deadline) => this[(int)kind] = deadline;

    public void Cancel(TimerKind kind) => this[(int)kind] = Instant.Never;

    public readonly Instant Get(TimerKind kind) => this[(int)kind];

    public void CancelAll()
    {
        for (int i = 0; i < Count; i++) this[i] = Instant.Never;
    }

    public readonly Instant Earliest()
    {
        Instant earliest = Instant.Never;
        for (int i = 0; i < Count; i++) earliest = Instant.Min(earliest, this[i]);
        return earliest;
    }
}
