using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// The routers the host runs and the sync groups among them: building a configuration's
/// routers, the plan of a reload (which keep running, which stop, which are built), starting,
/// stopping and releasing them, and the tables that route input to them.
/// </summary>
internal sealed class RouterSet(ILogger log, RouterBuilder builder, EndpointPool pool, OutputScheduler output,
    RouterDriver driver, DeadlineHeap<HostedRouter> deadlines, NetlinkMonitor monitor, ITrackerStates? trackerStates)
{
    private readonly Dictionary<string, HostedRouter> _byName = new(StringComparer.Ordinal);

    /// <summary>Every registered router, in start order.</summary>
    public List<HostedRouter> All { get; } = [];

    /// <summary>Every sync group with a registered member.</summary>
    public List<HostedSyncGroup> Groups { get; } = [];

    /// <summary>Applies the plan's live changes to the routers that keep running.</summary>
    public void Retune(Plan plan, Instant now)
    {
        foreach (var (name, definition) in plan.Retune)
        {
            HostedRouter r = _byName[name];
            if (r.TryRetune(now, definition))
                driver.Drain(r, now);
        }
    }

    /// <summary>
    /// What a new configuration changes: routers kept as they run (<see cref="Retune"/>: kept,
    /// with new protocol options applied live), stopped, built.
    /// </summary>
    public sealed record Plan(HashSet<string> Keep, Dictionary<string, RouterDefinition> Retune, List<HostedRouter> Stop, List<RouterDefinition> Build);

    // A router is kept when its definition and its sync group's are unchanged, or when only its
    // protocol options (priority, interval, preemption...) or tracker weights changed and it can
    // take them live, as keepalived applies a reloaded priority; and so is every router of its
    // group (a group moves together, so it is rebuilt as a whole).
    public Plan PlanChanges(HostConfiguration config)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var retune = new Dictionary<string, RouterDefinition>(StringComparer.Ordinal);
        foreach (RouterDefinition d in config.Routers)
        {
            if (!_byName.TryGetValue(d.Name, out HostedRouter? old))
                continue;
            if (!Equals(old.Group?.Definition, GroupOf(config, d.Name)))
                continue;
            if (!old.Definition.Equals(d))
            {
                if (!old.Definition.SameSystemSide(d) || !CanTake(old, d))
                    continue;
                retune[d.Name] = d;
            }
            keep.Add(d.Name);
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (SyncGroupDefinition g in config.SyncGroups)
                changed |= DropGroup(g.Members);
            foreach (HostedSyncGroup g in Groups)
                changed |= DropGroup(g.Definition.Members);
        }
        var stop = All.Where(r => !keep.Contains(r.Name)).ToList();
        var build = config.Routers.Where(d => !keep.Contains(d.Name)).ToList();
        foreach (string name in retune.Keys.Where(n => !keep.Contains(n)).ToList())
            retune.Remove(name);
        return new Plan(keep, retune, stop, build);

        static bool CanTake(HostedRouter old, RouterDefinition d)
        {
            try
            {
                return old.Router.CanReconfigure(old.OptionsFor(d));
            }
            catch (ArgumentException)
            {
                return false; // invalid: the rebuild reports it
            }
        }

        bool DropGroup(IReadOnlyList<string> members)
        {
            if (members.All(keep.Contains))
                return false;
            bool dropped = false;
            foreach (string m in members)
                dropped |= keep.Remove(m);
            return dropped;
        }
    }

    private static SyncGroupDefinition? GroupOf(HostConfiguration config, string router) =>
        config.SyncGroups.FirstOrDefault(g => g.Members.Contains(router));

    /// <summary>Builds the routers of <paramref name="plan"/> and their sync groups; on failure releases what was built and rethrows.</summary>
    public List<HostedRouter> BuildAll(HostConfiguration config, Plan plan)
    {
        var built = new List<HostedRouter>();
        try
        {
            foreach (RouterDefinition d in plan.Build)
                built.Add(builder.Build(d));
            foreach (SyncGroupDefinition g in config.SyncGroups)
            {
                HostedRouter[] members = [.. built.Where(r => g.Members.Contains(r.Name))];
                if (members.Length == 0)
                    continue;
                if (members.Length < 2)
                {
                    HostLog.SyncGroupTooSmall(log, g.Name);
                    continue;
                }
                var group = new HostedSyncGroup(g, new SyncGroup(g.Name, [.. members.Select(m => m.Router)]), members);
                foreach (HostedRouter m in members)
                    m.Group = group;
            }
            return built;
        }
        catch
        {
            foreach (HostedRouter r in built)
                Release(r);
            throw;
        }
    }

    // Tables that route input to the router; filled at start so a reload's old and new router
    // never hold a VRID at once.
    public void Register(HostedRouter r)
    {
        VirtualRouterOptions o = r.Router.Options;
        ReceiveEndpoint endpoint = r.Unicast is { } unicast ? unicast : r.Interface!;
        endpoint.Routers[o.Family, o.VirtualRouterId] = r;
        _byName[r.Name] = r;
        if (!All.Contains(r))
            All.Add(r);
        if (r.Group is { } g && !Groups.Contains(g))
            Groups.Add(g);
    }

    public void Start(List<HostedRouter> routers, Instant now)
    {
        foreach (HostedRouter r in routers)
            Register(r);
        foreach (HostedRouter r in routers)
        {
            // The inputs the router starts from: link and tracker states as they are now.
            if (r.TracksOwnInterface && monitor.TryGetLink(r.Interface!.Index, out LinkState own))
                r.Router.SetInterfaceUp(now, own.IsOperational);
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                TrackerDefinition t = r.Trackers[i];
                if (t.Input == TrackerInput.Value)
                {
                    r.Router.SetTrackerValue(now, i, trackerStates?.Value(t) ?? 0);
                    continue;
                }
                bool up = t.Source == TrackerSource.Interface
                    ? !monitor.TryGetLink(r.TrackerIfIndex[i], out LinkState link) || link.IsOperational
                    : trackerStates?.IsUp(t) ?? true;
                r.Router.SetTrackerState(now, i, up);
            }
            r.ReportedPriority = r.Router.EffectivePriority;
        }
        foreach (HostedRouter r in routers)
        {
            r.Router.HandleStartup(now);
            driver.Drain(r, now);
        }
    }

    /// <summary>Starts the registered routers that are not running (after vrrp_startup_delay).</summary>
    public void StartWaiting(Instant now) => Start([.. All.Where(r => !r.Router.IsRunning)], now);

    /// <summary>Stops one router: priority 0 if Master, addresses removed, stop reported.</summary>
    public void Stop(HostedRouter r, Instant now)
    {
        if (!r.Router.IsRunning)
            return;
        r.Router.HandleShutdown(now);
        driver.Drain(r, now);
    }

    /// <summary>Gives back what the router holds and takes it out of every table.</summary>
    public void Release(HostedRouter r)
    {
        r.Removed = true;
        deadlines.Remove(r);
        if (r.Router is not null)
        {
            VirtualRouterOptions o = r.Router.Options;
            if (r.Unicast is { } unicast && unicast.Routers[o.Family, o.VirtualRouterId] == r)
                unicast.Routers[o.Family, o.VirtualRouterId] = null;
            if (r.Interface is { } own && own.Routers[o.Family, o.VirtualRouterId] == r)
                own.Routers[o.Family, o.VirtualRouterId] = null;
        }
        if (_byName.TryGetValue(r.Name, out HostedRouter? current) && current == r)
            _byName.Remove(r.Name);
        All.Remove(r);
        if (r.Group is { } g && !g.Members.Any(m => !m.Removed))
            Groups.Remove(g);
        pool.Release(r, output);
    }

    /// <summary>Stops every router, sends what that asks for, and releases them all (shutdown).</summary>
    public void StopAll(Instant now)
    {
        foreach (HostedRouter r in All.ToArray())
            Stop(r, now);
        output.Flush();
        foreach (HostedRouter r in All.ToArray())
            Release(r);
        All.Clear();
        _byName.Clear();
        Groups.Clear();
    }
}
