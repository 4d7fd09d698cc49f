namespace Vrrp.Core.Router;

/// <summary>A state change of a <see cref="SyncGroup"/>, for the group-level notification (keepalived <c>notify</c> of a <c>vrrp_sync_group</c>).</summary>
/// <param name="Time">When it happened.</param>
/// <param name="From">The previous group state.</param>
/// <param name="To">The new group state.</param>
/// <param name="Cause">The name of the member whose change moved the group.</param>
public readonly record struct SyncGroupTransition(Instant Time, RouterState From, RouterState To, string Cause);

/// <summary>
/// keepalived's <c>vrrp_sync_group</c>: virtual routers that move together. A member entering
/// Fault puts every member in Fault until no member has a fault of its own; a member leaving
/// Master for Backup takes the other Masters with it; a Backup whose Master_Down timer fires
/// becomes Master only when every other member wants Master too (keepalived prefers Backup
/// to avoid thrashing), and then all go Master together.
/// </summary>
/// <remarks>
/// Create the group before starting its members; drive the members and the group from one
/// thread. The group's own notifications are polled with <see cref="TryPollTransition"/>;
/// if the host never polls, the oldest are overwritten (counted in <see cref="DroppedTransitions"/>).
/// </remarks>
public sealed class SyncGroup
{
    private const int Capacity = 16;
    private readonly VirtualRouter[] _members;
    private readonly SyncGroupTransition[] _transitions = new SyncGroupTransition[Capacity];
    private int _head;
    private int _count;

    /// <summary>Creates a group of at least two routers that are in no other group and not yet started.</summary>
    /// <exception cref="ArgumentException">Fewer than two members, a member already in a group, a duplicate, or a running member.</exception>
    public SyncGroup(string name, IReadOnlyList<VirtualRouter> members)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        // keepalived drops a group of one member with a warning; the configuration layer should too.
        if (members.Count < 2) throw new ArgumentException($"sync group {name}: a group needs at least two members", nameof(members));
        for (int i = 0; i < members.Count; i++)
        {
            VirtualRouter member = members[i];
            if (member.SyncGroup is not null) throw new ArgumentException($"sync group {name}: {member.Name} is already in sync group {member.SyncGroup.Name}", nameof(members));
            if (member.IsRunning) throw new ArgumentException($"sync group {name}: {member.Name} is already running", nameof(members));
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(members[j], member)) throw new ArgumentException($"sync group {name}: {member.Name} is listed twice", nameof(members));
        }
        Name = name;
        _members = [.. members];
        foreach (VirtualRouter member in _members) member.SyncGroup = this;
    }

    /// <summary>The group name.</summary>
    public string Name { get; }

    /// <summary>The members.</summary>
    public IReadOnlyList<VirtualRouter> Members => _members;

    /// <summary>The group state: Initialize until a member starts, then Backup, Master or Fault.</summary>
    public RouterState State { get; private set; }

    /// <summary>Group transitions lost because the host did not poll them.</summary>
    public long DroppedTransitions { get; private set; }

    /// <summary>Takes the next group transition; false when there is none.</summary>
    public bool TryPollTransition(out SyncGroupTransition transition)
    {
        if (_count == 0)
        {
            transition = default;
            return false;
        }
        transition = _transitions[_head];
        _head = (_head + 1) % Capacity;
        _count--;
        return true;
    }

    internal bool HasFaultyMember
    {
        get
        {
            foreach (VirtualRouter member in _members)
                if (member.IsRunning && member.HasOwnFault) return true;
            return false;
        }
    }

    // keepalived vrrp_sync_can_goto_master.
    internal bool CanGoMaster(VirtualRouter candidate)
    {
        if (State == RouterState.Master) return true;
        foreach (VirtualRouter member in _members)
            if (member != candidate && member.IsRunning && !member.WantsMaster) return false;
        return true;
    }

    // keepalived vrrp_sync_master.
    internal void OnMemberBecameMaster(Instant now, VirtualRouter cause)
    {
        foreach (VirtualRouter member in _members)
            if (member != cause && member.IsRunning && member.State == RouterState.Backup) member.BecomeMaster(now, StateChangeReason.SyncGroup);
        SetState(now, RouterState.Master, cause);
    }

    // keepalived vrrp_sync_backup.
    internal void OnMemberLeftMaster(Instant now, VirtualRouter cause)
    {
        foreach (VirtualRouter member in _members)
            if (member != cause && member.IsRunning && member.State == RouterState.Master) member.LeaveMasterForSyncGroup(now);
        SetState(now, RouterState.Backup, cause);
    }

    internal void OnMemberStarted(Instant now, VirtualRouter cause)
    {
        if (State == RouterState.Initialize) SetState(now, cause.State == RouterState.Fault ? RouterState.Fault : RouterState.Backup, cause);
    }

    // keepalived vrrp_sync_fault / try_up_instance: any member's own fault faults them all; the
    // group leaves Fault (into Backup) only when no member has a fault of its own.
    internal void Reconcile(Instant now, VirtualRouter cause, StateChangeReason faultReason, StateChangeReason recoverReason)
    {
        bool fault = HasFaultyMember;
        cause.ApplyFault(now, fault, fault ? (cause.HasOwnFault ? faultReason : StateChangeReason.SyncGroup) : recoverReason);
        foreach (VirtualRouter member in _members)
        {
            if (member == cause) continue;
            member.ApplyFault(now, fault, member.HasOwnFault ? member.OwnFaultReason() : StateChangeReason.SyncGroup);
        }
        if (fault) SetState(now, RouterState.Fault, cause);
        else if (State == RouterState.Fault) SetState(now, RouterState.Backup, cause);
    }

    private void SetState(Instant now, RouterState to, VirtualRouter cause)
    {
        if (State == to) return;
        if (_count == Capacity)
        {
            _head = (_head + 1) % Capacity;
            _count--;
            DroppedTransitions++;
        }
        _transitions[(_head + _count) % Capacity] = new SyncGroupTransition(now, State, to, cause.Name);
        _count++;
        State = to;
    }
}
