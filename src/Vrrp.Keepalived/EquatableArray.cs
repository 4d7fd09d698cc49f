using System.Collections;
using System.Collections.Immutable;

namespace Vrrp.Keepalived;

/// <summary>
/// An immutable array that compares by content, so configuration records holding lists keep
/// value equality (a record with a plain array or list would compare references).
/// <c>default</c> is the empty array.
/// </summary>
/// <typeparam name="T">The item type; its own equality compares the items.</typeparam>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>Wraps <paramref name="items"/>.</summary>
    public EquatableArray(ImmutableArray<T> items) => _items = items;

    /// <summary>Copies <paramref name="items"/>.</summary>
    public EquatableArray(IEnumerable<T> items) => _items = [.. items];

    /// <summary>The empty array.</summary>
    public static EquatableArray<T> Empty => new(ImmutableArray<T>.Empty);

    private ImmutableArray<T> Items => _items.IsDefault ? ImmutableArray<T>.Empty : _items;

    /// <summary>The number of items.</summary>
    public int Count => Items.Length;

    /// <summary>True when there is no item.</summary>
    public bool IsEmpty => Items.IsEmpty;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public T this[int index] => Items[index];

    /// <summary>The items as a span.</summary>
    public ReadOnlySpan<T> AsSpan() => Items.AsSpan();

    /// <summary>True when both hold equal items in the same order.</summary>
    public bool Equals(EquatableArray<T> other)
    {
        ImmutableArray<T> mine = Items, theirs = other.Items;
        if (mine.Length != theirs.Length)
            return false;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < mine.Length; i++)
        {
            if (!comparer.Equals(mine[i], theirs[i]))
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <summary>A hash of the items.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (T item in Items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>Item-by-item equality.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Item-by-item inequality.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <summary>Enumerates the items without allocating.</summary>
    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    /// <summary>The items as <c>[a, b, c]</c>.</summary>
    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

/// <summary>Creates <see cref="EquatableArray{T}"/>s.</summary>
public static class EquatableArray
{
    /// <summary>Copies <paramref name="items"/> into an <see cref="EquatableArray{T}"/>.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items);
}
