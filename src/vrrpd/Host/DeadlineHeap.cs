using Vrrp.Core.Router;

namespace Vrrpd.Host;

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
    private T[] _items;

    public DeadlineHeap(int capacity = 16) => _items = new T[Math.Max(capacity, 1)];

    public int Count { get; private set; }

    /// <summary>The earliest deadline, <see cref="Instant.Never"/> when empty.</summary>
    public Instant Earliest => Count == 0 ? Instant.Never : _items[0].Deadline;

    /// <summary>The item with the earliest deadline.</summary>
    public T Peek() => Count > 0 ? _items[0] : throw new InvalidOperationException("The heap is empty.");

    /// <summary>Sets <paramref name="item"/>'s deadline, adding it, moving it or (for Never) removing it.</summary>
    public void Update(T item, Instant deadline)
    {
        if (!deadline.IsFinite)
        {
            item.Deadline = deadline;
            Remove(item);
            return;
        }
        if (item.HeapIndex < 0)
        {
            if (Count == _items.Length)
                Array.Resize(ref _items, _items.Length * 2);
            item.Deadline = deadline;
            item.HeapIndex = Count;
            _items[Count++] = item;
            Up(item.HeapIndex);
            return;
        }
        Instant old = item.Deadline;
        item.Deadline = deadline;
        if (deadline < old)
            Up(item.HeapIndex);
        else if (deadline > old)
            Down(item.HeapIndex);
    }

    /// <summary>Takes the item out of the heap (no-op if it is not in it).</summary>
    public void Remove(T item)
    {
        int index = item.HeapIndex;
        if (index < 0)
            return;
        item.HeapIndex = -1;
        Count--;
        if (index == Count)
        {
            _items[Count] = null!;
            return;
        }
        T last = _items[Count];
        _items[Count] = null!;
        _items[index] = last;
        last.HeapIndex = index;
        Up(index);
        Down(last.HeapIndex);
    }

    private void Up(int index)
    {
        T item = _items[index];
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            T p = _items[parent];
            if (p.Deadline <= item.Deadline)
                break;
            _items[index] = p;
            p.HeapIndex = index;
            index = parent;
        }
        _items[index] = item;
        item.HeapIndex = index;
    }

    private void Down(int index)
    {
        T item = _items[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= Count)
                break;
            if (child + 1 < Count && _items[child + 1].Deadline < _items[child].Deadline)
                child++;
            T c = _items[child];
            if (item.Deadline <= c.Deadline)
                break;
            _items[index] = c;
            c.HeapIndex = index;
            index = child;
        }
        _items[index] = item;
        item.HeapIndex = index;
    }
}
