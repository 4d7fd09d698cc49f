namespace Vrrp.Core.Router;

/// <summary>
/// A point on a monotonic clock, in ticks of 100 ns (the unit of <see cref="TimeSpan.Ticks"/>).
/// The core never reads a clock: the host converts its own clock to an <see cref="Instant"/>
/// and passes it with every input. Keeping ticks rather than centiseconds means Skew_Time
/// and Master_Down_Interval never truncate to zero at short advertisement intervals.
/// </summary>
public readonly record struct Instant(long Ticks) : IComparable<Instant>
{
    /// <summary>The origin of the clock.</summary>
    public static Instant Zero => default;

    /// <summary>A deadline that never comes.</summary>
    public static Instant Never => new(long.MaxValue);

    /// <summary>True unless this is <see cref="Never"/>.</summary>
    public bool IsFinite => Ticks != long.MaxValue;

    /// <summary>An instant a number of milliseconds after <see cref="Zero"/>.</summary>
    public static Instant FromMilliseconds(double milliseconds) => new((long)(milliseconds * TimeSpan.TicksPerMillisecond));

    /// <summary>Time since <see cref="Zero"/>.</summary>
    public TimeSpan SinceZero => new(Ticks);

    /// <inheritdoc/>
    public int CompareTo(Instant other) => Ticks.CompareTo(other.Ticks);

    /// <summary>Adds a duration, saturating at <see cref="Never"/>.</summary>
    public static Instant operator +(Instant instant, TimeSpan duration)
    {
        if (!instant.IsFinite) return Never;
        long sum = instant.Ticks + duration.Ticks;
        // Overflow only happens towards Never; a deadline that far out is Never.
        return duration.Ticks > 0 && sum < instant.Ticks ? Never : new Instant(sum);
    }

    /// <summary>Subtracts a duration.</summary>
    public static Instant operator -(Instant instant, TimeSpan duration) => new(instant.Ticks - duration.Ticks);

    /// <summary>The duration between two instants.</summary>
    public static TimeSpan operator -(Instant later, Instant earlier) => new(later.Ticks - earlier.Ticks);

    /// <summary>Ordering.</summary>
    public static bool operator <(Instant left, Instant right) => left.Ticks < right.Ticks;
    /// <summary>Ordering.</summary>
    public static bool operator >(Instant left, Instant right) => left.Ticks > right.Ticks;
    /// <summary>Ordering.</summary>
    public static bool operator <=(Instant left, Instant right) => left.Ticks <= right.Ticks;
    /// <summary>Ordering.</summary>
    public static bool operator >=(Instant left, Instant right) => left.Ticks >= right.Ticks;

    /// <summary>The earlier of two instants.</summary>
    public static Instant Min(Instant a, Instant b) => a.Ticks <= b.Ticks ? a : b;

    /// <inheritdoc/>
    public override string ToString() => IsFinite ? $"{Ticks / (double)TimeSpan.TicksPerMillisecond:0.###} ms" : "never";
}
