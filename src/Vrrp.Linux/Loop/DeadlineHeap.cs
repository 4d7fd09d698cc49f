using Vrrp.Core.Router;

namespace Vrrp.Linux;

/// <summary>An entry of a <see cref="DeadlineHeap{T}"/>: the heap keeps its position in it.</summary>
internal interface IDeadlineItem
{
    Instant Deadline { get; set; }

    /// <summary>Position in the heap, -1 when not in one.</summary>
    int HeapIndex { get; set; }
}

/// <summary>
/// An indexed binary min-heap of deadlines: the loop's timer structure. Every input moves one
/// router's deadline (a Backup's Master_Down timer on each advertisement, a Master's Adver_Timer
/// on each send), so <see cref="Update"/> is O(log n) and the earliest is O(1); a scan of every
/// router per wake-up would cost O(n) on each of thousands of wake-ups a second. Routers that are
/// idle (<see cref="Instant.Never"/>) leave the heap. Nothing allocates after the array has grown
/// to the number of routers.
/// </summary>
internal sealed class DeadlineHeap<T> where T : class, IDeadlineItem
{
    // The deadline is kept next to the item so that sifting compares within this array instead of
    // loading every item it passes (hundreds of routers, each a cache miss once the other core has
    // run), and a struct array takes no covariant store check on each move.
    private struct Entry
    {
        public Instant Deadline;
        public T Item;
    }

    private Entry[] _entries;

    public DeadlineHeap(int capacity = 16) => _entries = new Entry[Math.Max(capacity, 1)];

    public int Count { get; private set; }

    /// <summary>The earliest deadline, <see cref="Instant.Never"/> when empty.</summary>
    public Instant Earliest => Count == 0 ? Instant.Never : _entries[0].Deadline;

    /// <summary>The item with the earliest deadline.</summary>
    public T Peek() => Count > 0 ? _entries[0].Item : throw new InvalidOperationException("The heap is empty.");

    /// <summary>Sets <paramref name="item"/>'s deadline, adding it, moving it or (for Never) removing it.</summary>
    public void Update(T item, Instant deadline)
    {
        item.Deadline = deadline;
        if (!deadline.IsFinite)
        {
            Remove(item);
            return;
        }
        int index = item.HeapIndex;
        if (index < 0)
        {
            if (Count == _entries.Length)
                Array.Resize(ref _entries, _entries.Length * 2);
            index = Count++;
            _entries[index] = new Entry { Deadline = deadline, Item = item };
            item.HeapIndex = index;
            Up(index);
            return;
        }
        Instant old = _entries[index].Deadline;
        _entries[index].Deadline = deadline;
        if (deadline < old)
            Up(index);
        else if (deadline > old)
            Down(index);
    }

    /// <summary>Takes the item out of the heap (no-op if it is not in it).</summary>
    public void Remove(T item)
    {
        int index = item.HeapIndex;
        if (index < 0)
            return;
        item.HeapIndex = -1;
        Count--;
        Entry last = _entries[Count];
        _entries[Count] = default;
        if (index == Count)
            return;
        _entries[index] = last;
        last.Item.HeapIndex = index;
        Up(index);
        Down(last.Item.HeapIndex);
    }

    private void Up(int index)
    {
        Entry entry = _entries[index];
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (_entries[parent].Deadline <= entry.Deadline)
                break;
            Move(parent, index);
            index = parent;
        }
        _entries[index] = entry;
        entry.Item.HeapIndex = index;
    }

    private void Down(int index)
    {
        Entry entry = _entries[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= Count)
                break;
            if (child + 1 < Count && _entries[child + 1].Deadline < _entries[child].Deadline)
                child++;
            if (entry.Deadline <= _entries[child].Deadline)
                break;
            Move(child, index);
            index = child;
        }
        _entries[index] = entry;
        entry.Item.HeapIndex = index;
    }

    private void Move(int from, int to)
    {
        _entries[to] = _entries[from];
        _entries[to].Item.HeapIndex = to;
    }
}
