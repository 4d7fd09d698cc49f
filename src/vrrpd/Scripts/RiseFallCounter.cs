namespace Vrrpd.Scripts;

/// <summary>The state of a track script as the instances tracking it see it.</summary>
internal enum TrackScriptState
{
    /// <summary>
    /// No result yet (keepalived's INIT state, the start without init_fail): an instance tracking
    /// it with weight 0 waits for the first result before it comes up; a weighted one applies
    /// neither the weight for up nor the one for down. The first result always leaves this state.
    /// </summary>
    Init,
    /// <summary>Up: <c>rise</c> successes in a row (or the first success after Init).</summary>
    Up,
    /// <summary>Down: <c>fall</c> failures in a row, the first failure after Init, or init_fail.</summary>
    Down,
    /// <summary>
    /// Never run: refused by enable_script_security or no user to run it as. keepalived removes
    /// such a script from every instance tracking it ("Disabling track script ... due to
    /// insecure"), so the instance behaves as if it did not track it.
    /// </summary>
    Disabled,
}

/// <summary>
/// keepalived's vrrp_script result counter (vrrp_scheduler.c, vrrp_script_child_thread): a value
/// from 0 to rise + fall - 1, up when it is at least rise. A success while down counts up and
/// reaching rise is the change to up, after which the value jumps to the top; a failure while up
/// counts down and the failure at rise is the change to down, after which it drops to 0. So it
/// takes rise successes in a row to come up and fall failures in a row to go down. Without
/// init_fail it starts at rise - 1 in INIT, so the first result decides either way.
/// </summary>
internal struct RiseFallCounter
{
    private readonly int _rise;
    private readonly int _fall;
    private int _result;
    private bool _init;

    public RiseFallCounter(int rise, int fall, bool initFail)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rise, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fall, 1);
        _rise = rise;
        _fall = fall;
        _result = initFail ? 0 : rise - 1;
        _init = !initFail;
    }

    public readonly TrackScriptState State => _init ? TrackScriptState.Init : _result >= _rise ? TrackScriptState.Up : TrackScriptState.Down;

    private readonly int Top => _rise + _fall - 1;

    /// <summary>Counts one run; returns the new state when it changed (up or down), null otherwise.</summary>
    public bool? Record(bool success)
    {
        bool wasInit = _init;
        _init = false;
        if (success)
        {
            if (_result < _rise - 1)
            {
                _result++;
                return null;
            }
            bool changed = _result < _rise;
            _result = Top;
            return changed ? true : null;
        }
        if (_result > _rise)
        {
            _result--;
            return null;
        }
        bool wentDown = _result == _rise || wasInit;
        _result = 0;
        return wentDown ? false : null;
    }

    /// <summary>
    /// The counter of a script after a reload that changed its rise or fall, keeping how far it
    /// was from a change (keepalived's clear_diff_script): down stays down with the same number
    /// of successes still missing, up stays up with the same number of failures left. A script
    /// still in Init starts again as configured (keepalived would count it as down after the
    /// reload, although it never reported).
    /// </summary>
    public readonly RiseFallCounter Carry(int rise, int fall, bool initFail)
    {
        if (_init)
            return new RiseFallCounter(rise, fall, initFail);
        var next = new RiseFallCounter(rise, fall, initFail: false);
        next._init = false;
        if (_result < _rise)
            next._result = _result == 0 ? 0 : Math.Max(0, rise - (_rise - _result));
        else
            next._result = _result == Top ? next.Top : Math.Min(next.Top, rise + (_result - _rise));
        return next;
    }
}
