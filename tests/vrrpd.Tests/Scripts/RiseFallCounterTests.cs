using FsCheck.Xunit;
using Vrrpd.Scripts;

namespace vrrpd.Tests.Scripts;

public sealed class RiseFallCounterTests
{
    /// <summary>
    /// The rule keepalived documents, written plainly: from Init the first result decides; down
    /// turns up after rise successes in a row, up turns down after fall failures in a row.
    /// </summary>
    private static List<(int Index, bool Up)> Model(int rise, int fall, bool initFail, bool[] results)
    {
        var changes = new List<(int, bool)>();
        TrackScriptState state = initFail ? TrackScriptState.Down : TrackScriptState.Init;
        for (int i = 0; i < results.Length; i++)
        {
            bool streak(int n, bool value) => i + 1 >= n && results[(i + 1 - n)..(i + 1)].All(r => r == value);
            TrackScriptState next = state switch
            {
                TrackScriptState.Init => results[i] ? TrackScriptState.Up : TrackScriptState.Down,
                TrackScriptState.Down when streak(rise, true) => TrackScriptState.Up,
                TrackScriptState.Up when streak(fall, false) => TrackScriptState.Down,
                _ => state,
            };
            if (next != state) changes.Add((i, next == TrackScriptState.Up));
            state = next;
        }
        return changes;
    }

    private static List<(int Index, bool Up)> Run(ref RiseFallCounter counter, bool[] results, int offset = 0)
    {
        var changes = new List<(int, bool)>();
        for (int i = 0; i < results.Length; i++)
        {
            if (counter.Record(results[i]) is bool up) changes.Add((i + offset, up));
        }
        return changes;
    }

    [Property(MaxTest = 1000)]
    public void CounterFollowsTheDocumentedRule(byte riseSeed, byte fallSeed, bool initFail, bool[] results)
    {
        int rise = riseSeed % 5 + 1, fall = fallSeed % 5 + 1;
        var counter = new RiseFallCounter(rise, fall, initFail);
        Assert.Equal(Model(rise, fall, initFail, results), Run(ref counter, results));
    }

    [Property(MaxTest = 500)]
    public void CarryingWithTheSameRiseAndFallChangesNothing(byte riseSeed, byte fallSeed, bool initFail, bool[] before, bool[] after)
    {
        int rise = riseSeed % 5 + 1, fall = fallSeed % 5 + 1;
        var counter = new RiseFallCounter(rise, fall, initFail);
        Run(ref counter, before);
        RiseFallCounter carried = counter.Carry(rise, fall, initFail);
        Assert.Equal(counter.State, carried.State);
        Assert.Equal(Run(ref counter, after), Run(ref carried, after));
    }

    [Fact]
    public void CarryKeepsTheDistanceToTheNextChange()
    {
        // Up with fall 3 after one failure: two failures from down, and still two with fall 2.
        var counter = new RiseFallCounter(2, 3, initFail: false);
        counter.Record(true);
        counter.Record(false);
        RiseFallCounter carried = counter.Carry(2, 2, false);
        Assert.Equal(TrackScriptState.Up, carried.State);
        Assert.Null(carried.Record(false));
        Assert.Equal(false, carried.Record(false));

        // Down with rise 3 after one success: two successes from up; rise 2 asks for both again.
        counter = new RiseFallCounter(3, 1, initFail: true);
        counter.Record(true);
        carried = counter.Carry(2, 1, false);
        Assert.Equal(TrackScriptState.Down, carried.State);
        Assert.Null(carried.Record(true));
        Assert.Equal(true, carried.Record(true));

        // Down with rise 3 after two successes: one from up, and one with rise 5 too.
        counter = new RiseFallCounter(3, 1, initFail: true);
        counter.Record(true);
        counter.Record(true);
        carried = counter.Carry(5, 1, false);
        Assert.Equal(true, carried.Record(true));

        // Still in Init: starts again as configured.
        Assert.Equal(TrackScriptState.Down, new RiseFallCounter(1, 1, false).Carry(1, 1, initFail: true).State);
        Assert.Equal(TrackScriptState.Init, new RiseFallCounter(1, 1, false).Carry(2, 2, initFail: false).State);
    }
}
