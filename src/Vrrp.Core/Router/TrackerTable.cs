namespace Vrrp.Core.Router;

/// <summary>
/// The last report of each tracker of one router (up/down or a value) and what they add up to,
/// by <see cref="TrackerWeights"/>. Up/down trackers start up, value trackers at 0.
/// </summary>
internal sealed class TrackerTable
{
    private IReadOnlyList<TrackerOptions> _trackers;
    private readonly bool[] _up;
    private readonly long[] _value;

    public TrackerTable(IReadOnlyList<TrackerOptions> trackers)
    {
        _trackers = trackers;
        _up = new bool[trackers.Count];
        _up.AsSpan().Fill(true);
        _value = new long[trackers.Count];
    }

    public int Count => _up.Length;

    /// <summary>
    /// Takes new weights (and reverse flags) for the same trackers, their states kept; false,
    /// changing nothing, when the list is not the same trackers in the same order.
    /// </summary>
    public bool TryReweight(IReadOnlyList<TrackerOptions> trackers)
    {
        if (!SameTrackers(trackers))
            return false;
        _trackers = trackers;
        return true;
    }

    /// <summary>True when <paramref name="trackers"/> are these trackers in this order, whatever their weights.</summary>
    public bool SameTrackers(IReadOnlyList<TrackerOptions> trackers)
    {
        if (trackers.Count != _trackers.Count)
            return false;
        for (int i = 0; i < trackers.Count; i++)
        {
            if (trackers[i].Name != _trackers[i].Name || trackers[i].Input != _trackers[i].Input)
                return false;
        }
        return true;
    }

    public bool IsUp(int index) => _trackers[index].Input == TrackerInput.Value ? !IsFaulting(index) : _up[index];

    public long Value(int index) => _value[index];

    /// <summary>Records a state; false when it did not change.</summary>
    public bool SetState(int index, bool up)
    {
        Check(index, TrackerInput.State);
        if (_up[index] == up) return false;
        _up[index] = up;
        return true;
    }

    /// <summary>Records a value; false when it did not change.</summary>
    public bool SetValue(int index, long value)
    {
        Check(index, TrackerInput.Value);
        if (_value[index] == value) return false;
        _value[index] = value;
        return true;
    }

    public bool IsFaulting(int index)
    {
        TrackerOptions t = _trackers[index];
        return t.Input == TrackerInput.Value
            ? TrackerWeights.ValueStatus(t.Weight, t.Reverse, _value[index]) == TrackerWeights.FaultStatus
            : TrackerWeights.StateFaults(t.Weight, t.Reverse, _up[index]);
    }

    public bool AnyFaulting()
    {
        for (int i = 0; i < _up.Length; i++)
            if (IsFaulting(i)) return true;
        return false;
    }

    /// <summary>The sum of every contribution; a value tracker in Fault adds nothing.</summary>
    public long Sum()
    {
        long total = 0;
        for (int i = 0; i < _up.Length; i++)
        {
            TrackerOptions t = _trackers[i];
            if (t.Input == TrackerInput.State)
            {
                total += TrackerWeights.StateContribution(t.Weight, t.Reverse, _up[i]);
                continue;
            }
            int status = TrackerWeights.ValueStatus(t.Weight, t.Reverse, _value[i]);
            if (status != TrackerWeights.FaultStatus) total += status;
        }
        return total;
    }

    private void Check(int index, TrackerInput input)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _up.Length);
        if (_trackers[index].Input != input)
            throw new ArgumentException($"tracker {_trackers[index].Name} reports {_trackers[index].Input}, not {input}", nameof(index));
    }
}
