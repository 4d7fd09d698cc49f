namespace Vrrp.Core.Router;

/// <summary>A fixed ring of pending actions; allocated once, never grows.</summary>
internal sealed class ActionQueue
{
    // One input produces at most a handful of actions; the host drains after every input.
    public const int Capacity = 64;

    private readonly RouterAction[] _items = new RouterAction[Capacity];
    private int _head;
    private int _count;

    public int Count => _count;

    /// Returns false when the action merged into an identical pending advertisement.
    public bool Enqueue(in RouterAction action)
    {
        // A flood of lower-priority adverts makes a Master answer each one; while the host has
        // not drained, identical pending advertisements collapse into one.
        if (_count > 0 && action.Kind == RouterActionKind.SendAdvertisement)
        {
            ref RouterAction last = ref _items[(_head + _count - 1) % Capacity];
            if (last.Kind == RouterActionKind.SendAdvertisement && last.Priority == action.Priority) return false;
        }
        if (_count == Capacity)
            ThrowHelper.InvalidOperation($"{Capacity} router actions are pending: the host must drain TryPollAction after every input");
        _items[(_head + _count) % Capacity] = action;
        _count++;
        return true;
    }

    public bool TryDequeue(out RouterAction action)
    {
        if (_count == 0)
        {
            action = default;
            return false;
        }
        action = _items[_head];
        _head = (_head + 1) % Capacity;
        _count--;
        return true;
    }

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }
}
