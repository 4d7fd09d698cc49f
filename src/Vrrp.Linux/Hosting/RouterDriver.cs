using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Turns what a router asks for into work: after each input the router's actions are polled
/// (for a sync group, every member's: one member's input moves the others), advertisements,
/// address changes and gratuitous frames go to <see cref="OutputScheduler"/>, state changes to
/// the log and the <see cref="IVrrpHostObserver"/>, and the router goes back in the deadline heap.
/// </summary>
internal sealed class RouterDriver(ILogger log, IVrrpHostObserver? observer, OutputScheduler output, DeadlineHeap<HostedRouter> deadlines)
{
    public void Drain(HostedRouter r, Instant now)
    {
        if (r.Group is { } group)
        {
            foreach (HostedRouter member in group.Members)
                DrainOne(member, now);
            while (group.Group.TryPollTransition(out SyncGroupTransition t))
            {
                HostLog.GroupEntered(log, group.Definition.Name, StateWords.State(t.To), t.Cause);
                observer?.SyncGroupStateChanged(group.Definition, t.To);
            }
        }
        else
        {
            DrainOne(r, now);
        }
    }

    private void DrainOne(HostedRouter r, Instant now)
    {
        VirtualRouter router = r.Router;
        while (router.TryPollAction(out RouterAction action))
        {
            switch (action.Kind)
            {
                case RouterActionKind.SendAdvertisement:
                    output.SendAdvertisement(r, action.Priority);
                    break;
                case RouterActionKind.AddAddresses:
                    output.QueueAddresses(r, add: true);
                    r.AddressesInstalled = true;
                    break;
                case RouterActionKind.RemoveAddresses:
                    output.QueueAddresses(r, add: false);
                    r.AddressesInstalled = false;
                    break;
                case RouterActionKind.SendGratuitous:
                    output.QueueGratuitous(r, action.Repeat, now);
                    break;
                case RouterActionKind.StateChanged:
                    OnStateChanged(r, action);
                    break;
                case RouterActionKind.AddressListMismatch:
                    HostLog.AddressListMismatch(log, r.Name, action.Source.ToString());
                    break;
            }
        }
        byte priority = router.EffectivePriority;
        if (priority != r.ReportedPriority)
        {
            HostLog.PriorityChanged(log, r.Name, r.ReportedPriority, priority);
            r.ReportedPriority = priority;
            if (r.Definition.NotifyPriorityChanges && router.IsRunning)
                observer?.RouterPriorityChanged(r.Definition, router.State, priority);
        }
        if (!r.Removed)
            deadlines.Update(r, router.PollTimeout());
    }

    private void OnStateChanged(HostedRouter r, in RouterAction action)
    {
        if (action.To == RouterState.Initialize)
            HostLog.InstanceStopped(log, r.Name, StateWords.State(action.From));
        else
            HostLog.StateEntered(log, r.Name, StateWords.State(action.To), StateWords.Reason(r, action.Reason));
        observer?.RouterStateChanged(r.Definition, action.To, r.Router.EffectivePriority);
    }
}

/// <summary>States and reasons in the words of the log and of status output.</summary>
internal static class StateWords
{
    public static string State(RouterState state) => state switch
    {
        RouterState.Master => "MASTER",
        RouterState.Backup => "BACKUP",
        RouterState.Fault => "FAULT",
        _ => "INIT",
    };

    public static string Reason(HostedRouter r, StateChangeReason reason) => reason switch
    {
        StateChangeReason.Startup => "init",
        StateChangeReason.AddressOwner => "address owner",
        StateChangeReason.InitialStateMaster => "state MASTER configured",
        StateChangeReason.MasterDown => $"no advertisement for {r.Router.MasterDownInterval.TotalMilliseconds:0.#} ms",
        StateChangeReason.MasterReleased => "master sent priority 0",
        StateChangeReason.Preempted => "preempting a lower-priority master",
        StateChangeReason.HigherPriority => $"higher priority {r.Router.MasterPriority} from {r.Router.MasterAddress}",
        StateChangeReason.HigherAddress => $"equal priority from higher address {r.Router.MasterAddress}",
        StateChangeReason.InterfaceDown => $"interface {r.Definition.Interface} down",
        StateChangeReason.InterfaceUp => $"interface {r.Definition.Interface} up",
        StateChangeReason.TrackerFailed => $"tracker failed: {FailedTrackers(r)}",
        StateChangeReason.TrackerRecovered => "trackers recovered",
        StateChangeReason.SyncGroup => $"sync group {r.Group?.Definition.Name}",
        StateChangeReason.Shutdown => "shutdown",
        StateChangeReason.Resigned => $"tracked {r.Routing.LastDeleted ?? "route or rule"} was deleted",
        _ => reason.ToString(),
    };

    private static string FailedTrackers(HostedRouter r)
    {
        var failed = new List<string>();
        for (int i = 0; i < r.Trackers.Length; i++)
        {
            TrackerDefinition t = r.Trackers[i];
            if (r.Router.IsTrackerFaulting(i))
                failed.Add($"{t.KindText} {t.Name}");
        }
        return failed.Count == 0 ? "?" : string.Join(", ", failed);
    }
}
