using FsCheck.Xunit;
using Vrrp.Core.Router;
using Vrrp.Linux;

namespace Vrrp.Linux.Tests;

public sealed class DeadlineHeapTests
{
    private sealed class Item(int id) : IDeadlineItem
    {
        public int Id { get; } = id;
        public Instant Deadline { get; set; } = Instant.Never;
        public int HeapIndex { get; set; } = -1;
    }

    /// <summary>
    /// Any sequence of updates (earlier, later, Never) and removals leaves the heap agreeing with
    /// a plain model: the earliest deadline is the model's minimum and every position is right.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Agrees_with_a_model_under_any_updates((byte Item, short Deadline)[] operations)
    {
        var items = Enumerable.Range(0, 12).Select(i => new Item(i)).ToArray();
        var model = new Dictionary<int, long>();
        var heap = new DeadlineHeap<Item>(2);
        foreach ((byte which, short deadline) in operations ?? [])
        {
            Item item = items[which % items.Length];
            if (deadline < -20_000)
            {
                heap.Remove(item);
                model.Remove(item.Id);
            }
            else if (deadline < 0)
            {
                heap.Update(item, Instant.Never);
                model.Remove(item.Id);
            }
            else
            {
                heap.Update(item, new Instant(deadline));
                model[item.Id] = deadline;
            }
            if (heap.Count != model.Count)
                return false;
            if (heap.Earliest != (model.Count == 0 ? Instant.Never : new Instant(model.Values.Min())))
                return false;
            if (model.Count > 0 && heap.Peek().Deadline != heap.Earliest)
                return false;
            foreach (Item i in items)
            {
                if ((i.HeapIndex >= 0) != model.ContainsKey(i.Id))
                    return false;
            }
        }
        // Draining in order yields the model sorted.
        var drained = new List<long>();
        while (heap.Count > 0)
        {
            Item first = heap.Peek();
            drained.Add(first.Deadline.Ticks);
            heap.Remove(first);
        }
        return drained.SequenceEqual(model.Values.Order());
    }

    [Fact]
    public void An_item_moved_later_gives_way_to_the_next()
    {
        var a = new Item(1);
        var b = new Item(2);
        var heap = new DeadlineHeap<Item>();
        heap.Update(a, new Instant(10));
        heap.Update(b, new Instant(20));
        Assert.Same(a, heap.Peek());
        heap.Update(a, new Instant(30));
        Assert.Same(b, heap.Peek());
        heap.Update(b, Instant.Never);
        Assert.Equal(1, heap.Count);
        Assert.Equal(-1, b.HeapIndex);
        Assert.Equal(new Instant(30), heap.Earliest);
    }
}
