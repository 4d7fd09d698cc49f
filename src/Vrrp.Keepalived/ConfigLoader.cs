using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>How to read a configuration.</summary>
/// <param name="ConfigId">The id <c>@id</c> lines are compared with; keepalived's default is the host name up to the first dot.</param>
public sealed record ConfigLoadOptions(string? ConfigId = null)
{
    /// <summary><see cref="ConfigId"/>, or <see cref="DefaultConfigId"/> when it is null.</summary>
    public string EffectiveConfigId => ConfigId ?? DefaultConfigId();

    /// <summary>keepalived's default config id: this machine's host name up to the first dot.</summary>
    public static string DefaultConfigId()
    {
        string host = Environment.MachineName;
        int dot = host.IndexOf('.');
        return dot < 0 ? host : host[..dot];
    }
}

/// <summary>The outcome of reading a configuration: the model when there was no error, and every diagnostic.</summary>
/// <param name="Config">The configuration; null when there was an error.</param>
/// <param name="Diagnostics">Every error and warning, in file order (files in the order read, then line).</param>
public sealed record ConfigLoadResult(KeepalivedConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    /// <summary>True when there was no error (<see cref="Config"/> is set).</summary>
    public bool Success => Config is not null;

    /// <summary>The errors.</summary>
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

    /// <summary>The warnings.</summary>
    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => !d.IsError);
}

/// <summary>
/// Reads keepalived.conf (its VRRP part) into a <see cref="KeepalivedConfig"/>, as keepalived
/// 2.2.7 reads it: <c>include</c> with globs, <c>@id</c> conditional lines,
/// <c>$NAME=value</c> definitions, <c>~SEQ</c> and <c>~LST</c> lines, every keyword of the VRRP part
/// (the rest is reported as ignored or refused), keepalived's defaults and corrections
/// (<see cref="Vrrp.Core.Router.VirtualRouterOptions.Normalize"/> for those of the router's
/// options), each finding with its file and line. The one way vrrpd reads a configuration, at
/// startup and on reload.
/// </summary>
public static class ConfigLoader
{
    private static readonly string[] TopLevelOnly =
        ["global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group", "virtual_server", "virtual_server_group",
         "static_ipaddress", "static_routes", "static_rules", "garp_group", "bfd_instance", "vrrp_track_process",
         "vrrp_track_file", "linkbeat_interfaces", "interface_up_down_delays", "track_group"];

    /// <summary>Reads the file at <paramref name="path"/> and what it includes.</summary>
    /// <param name="path">The main file; diagnostics name it as given.</param>
    /// <param name="options">How to read it; null for the defaults.</param>
    /// <returns>The configuration when there is no error, and every diagnostic; a missing or unreadable file is an error, not an exception.</returns>
    public static ConfigLoadResult LoadFile(string path, ConfigLoadOptions? options = null)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new SourceReader(diagnostics, (options ?? new()).EffectiveConfigId);
        List<SourceLine> lines = reader.ReadMain(path);
        return Build(lines, reader.Files, diagnostics);
    }

    /// <summary>Reads configuration text; includes are relative to the directory of <paramref name="displayName"/>.</summary>
    /// <param name="text">The configuration.</param>
    /// <param name="displayName">The file name diagnostics give.</param>
    /// <param name="options">How to read it; null for the defaults.</param>
    public static ConfigLoadResult LoadText(string text, string displayName = "keepalived.conf", ConfigLoadOptions? options = null)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new SourceReader(diagnostics, (options ?? new()).EffectiveConfigId);
        List<SourceLine> lines = reader.ReadText(text, displayName);
        return Build(lines, reader.Files, diagnostics);
    }

    private sealed class TopState(ValueReader values)
    {
        public ValueReader Values { get; } = values;
        public GlobalDefsReader.State Global { get; } = new(values);
        public List<ScriptReader.State> Scripts { get; } = [];
        public List<InstanceReader.State> Instances { get; } = [];
        public List<SyncGroupReader.State> Groups { get; } = [];
        public List<TrackProcessReader.State> TrackProcesses { get; } = [];
        public List<TrackFileReader.State> TrackFiles { get; } = [];
    }

    private static readonly KeywordTable<TopState> TopTable = new KeywordTable<TopState>("top level")
        .Add("global_defs", static (s, n) =>
        {
            s.Values.NoArguments(n);
            BlockReader.Apply(n.Children!, GlobalDefsReader.Table, s.Global, "in global_defs", s.Values);
        }, BlockUse.Required, repeatable: true)
        .Add("vrrp_script", static (s, n) =>
        {
            if (Named(s, n, s.Scripts.Select(x => (x.Name, x.Location))) is string name)
            {
                var state = new ScriptReader.State(s.Values, name, n.Location);
                s.Scripts.Add(state);
                BlockReader.Apply(n.Children!, ScriptReader.Table, state, $"in vrrp_script {name}", s.Values);
            }
        }, BlockUse.Required, repeatable: true)
        .Add("vrrp_instance", static (s, n) =>
        {
            if (Named(s, n, s.Instances.Select(x => (x.Name, x.Location))) is string name)
            {
                var state = new InstanceReader.State(s.Values, name, n.Location);
                s.Instances.Add(state);
                state.Seen = BlockReader.Apply(n.Children!, InstanceReader.Table, state, $"in vrrp_instance {name}", s.Values);
            }
        }, BlockUse.Required, repeatable: true)
        .Add("vrrp_sync_group", static (s, n) =>
        {
            if (Named(s, n, s.Groups.Select(x => (x.Name, x.Location))) is string name)
            {
                var state = new SyncGroupReader.State(s.Values, name, n.Location);
                s.Groups.Add(state);
                BlockReader.Apply(n.Children!, SyncGroupReader.Table, state, $"in vrrp_sync_group {name}", s.Values);
            }
        }, BlockUse.Required, repeatable: true)
        .Ignore("LVS / health checkers are not part of vrrpd", "virtual_server", "virtual_server_group", "SSL", "net_namespace_ipvs")
        .Ignore("vrrpd does not configure static addresses, routes or rules", "static_ipaddress", "static_routes", "static_rules", "track_group")
        .Ignore("BFD is not part of vrrpd", "bfd_instance")
        .Add("vrrp_track_process", static (s, n) =>
            TrackerBlocks.ReadProcess(s.TrackProcesses, n, Named(s, n, []), s.Instances.Count, s.Groups.Count, s.Values), BlockUse.Required, repeatable: true)
        .Add(["track_file", "vrrp_track_file"], static (s, n) =>
            TrackerBlocks.ReadFile(s.TrackFiles, n, Named(s, n, []), s.Instances.Count, s.Groups.Count, s.Values), BlockUse.Required, repeatable: true)
        .Ignore("vrrpd watches links through netlink", "linkbeat_interfaces", "linkbeat_use_polling")
        .Ignore("gratuitous ARP pacing per interface is not implemented", "garp_group")
        .Ignore("vrrpd is one process; pid files and process names are set on its command line",
            "use_pid_dir", "instance", "child_wait_time", "namespace_with_ipsets")
        .Refuse("run vrrpd inside the namespace instead (ip netns exec NAME vrrpd ...)", "net_namespace")
        .Refuse("interface up/down debouncing is not implemented", "interface_up_down_delays");

    // The name of a named top-level block, or null (with an error) when it is missing or taken.
    private static string? Named(TopState s, ConfigNode node, IEnumerable<(string Name, SourceLocation Location)> existing)
    {
        if (node.ArgumentCount != 1)
        {
            s.Values.Error(node, node.ArgumentCount == 0 ? $"{node.Keyword} needs a name" : $"{node.Keyword} takes one name, got '{string.Join(' ', node.Arguments)}'");
            return null;
        }
        string name = node.Argument(0);
        foreach (var (other, location) in existing)
        {
            if (other == name)
            {
                s.Values.Error(node, $"{node.Keyword} {name} is already defined at {location}");
                return null;
            }
        }
        return name;
    }

    private static ConfigLoadResult Build(List<SourceLine> lines, IReadOnlyList<string> files, DiagnosticBag diagnostics)
    {
        var values = new ValueReader(diagnostics);
        List<ConfigNode> roots = Parser.Parse(lines, diagnostics, static keyword => Array.IndexOf(TopLevelOnly, keyword) >= 0);
        var top = new TopState(values);
        BlockReader.Apply(roots, TopTable, top, "at the top level", values);

        GlobalDefs global = GlobalDefsReader.Complete(top.Global);

        var scripts = new Dictionary<string, VrrpScriptConfig>(StringComparer.Ordinal);
        foreach (ScriptReader.State state in top.Scripts)
        {
            if (ScriptReader.Complete(state) is VrrpScriptConfig script)
                scripts[script.Name] = script;
        }

        Dictionary<string, InstanceReader.Membership> membership = ResolveMembers(top, values);
        TrackerBlocks trackers = TrackerBlocks.Complete(top.TrackProcesses, top.TrackFiles, values);

        var instances = new List<VrrpInstanceConfig>();
        foreach (InstanceReader.State state in top.Instances)
        {
            InstanceReader.Membership? member = membership.TryGetValue(state.Name, out var m) ? m : null;
            if (InstanceReader.Complete(state, global, scripts, member) is VrrpInstanceConfig instance)
                instances.Add(trackers.Attach(instance, top.Instances.IndexOf(state), state.TrackProcesses, state.TrackFiles, member?.TrackingWeight ?? false, values));
        }

        var groups = new List<SyncGroupConfig>();
        foreach (SyncGroupReader.State state in top.Groups)
        {
            if (CompleteGroup(state, global, scripts, top.Instances, instances, values) is SyncGroupConfig group)
            {
                var (trackedProcesses, trackedFiles) = trackers.ForGroup(group.Name, top.Groups.IndexOf(state), state.TrackProcesses, state.TrackFiles,
                    [.. instances.Where(i => group.Members.Contains(i.Name))], values);
                groups.Add(group with { TrackProcesses = trackedProcesses, TrackFiles = trackedFiles });
            }
        }

        CheckAcrossInstances(instances, values);
        CheckScriptsUsed(scripts, instances, groups, values);
        CheckFifos(global, top.Global.VrrpNotifyFifoLocation, values);
        CheckScriptSecurity(global, scripts.Values, instances, groups, values);
        if (top.Instances.Count == 0)
            diagnostics.Warning(new SourceLocation(files.Count > 0 ? files[0] : "", 1), "there is no vrrp_instance: vrrpd would have nothing to do");

        IReadOnlyList<ConfigDiagnostic> sorted = Sort(diagnostics.Items, files);
        if (diagnostics.HasErrors)
            return new ConfigLoadResult(null, sorted);
        var config = new KeepalivedConfig
        {
            Global = global,
            Scripts = top.Scripts.Select(s => scripts[s.Name]).ToEquatableArray(),
            Instances = instances.ToEquatableArray(),
            SyncGroups = groups.ToEquatableArray(),
            Files = files.ToEquatableArray(),
            TrackProcesses = trackers.Processes.ToEquatableArray(),
            TrackFiles = trackers.Files.ToEquatableArray(),
        };
        return new ConfigLoadResult(config, sorted);
    }

    private static Dictionary<string, InstanceReader.Membership> ResolveMembers(TopState top, ValueReader values)
    {
        var result = new Dictionary<string, InstanceReader.Membership>(StringComparer.Ordinal);
        var groupLocations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (SyncGroupReader.State group in top.Groups)
        {
            var valid = new List<(string, ConfigNode)>();
            foreach (var (member, node) in group.Members ?? [])
            {
                if (!top.Instances.Any(i => i.Name == member))
                {
                    string? suggestion = NearMiss.Suggest(member, top.Instances.Select(i => i.Name));
                    values.Error(node, $"vrrp_sync_group {group.Name}: no vrrp_instance named '{member}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                    continue;
                }
                if (result.TryGetValue(member, out var existing))
                {
                    values.Error(node, existing.Group == group.Name
                        ? $"vrrp_sync_group {group.Name}: vrrp_instance {member} is listed twice"
                        : $"vrrp_sync_group {group.Name}: vrrp_instance {member} is already in vrrp_sync_group {existing.Group} ({groupLocations[existing.Group]}); an instance can be in one sync group only");
                    continue;
                }
                result[member] = new InstanceReader.Membership(group.Name, group.TrackingWeight, group.NotifyPriorityChanges);
                valid.Add((member, node));
            }
            groupLocations[group.Name] = group.Location;
            if (group.Members is null || group.Members.Count == 0)
                values.Diagnostics.Warning(group.Location, $"vrrp_sync_group {group.Name} has no members; it is ignored, as keepalived does");
            else if (valid.Count == 1)
                values.Diagnostics.Warning(group.Location, $"vrrp_sync_group {group.Name} has only one member, which is probably not what you want");
            group.Members = valid;
        }
        return result;
    }

    private static SyncGroupConfig? CompleteGroup(SyncGroupReader.State s, GlobalDefs global, Dictionary<string, VrrpScriptConfig> scripts,
        List<InstanceReader.State> instanceStates, List<VrrpInstanceConfig> instances, ValueReader values)
    {
        if (s.Members is null || s.Members.Count == 0)
            return null;
        bool ok = true;
        // keepalived clears the tracking weights of a group with an address owner as a member.
        VrrpInstanceConfig? owner = instances.FirstOrDefault(i => VirtualRouterOptions.IsOwnerPriority(i.Priority) && s.Members.Any(m => m.Name == i.Name));
        string? weightsDropped = owner is null ? null : $"sync group {s.Name}, whose member {owner.Name} has priority 255";
        var trackInterfaces = new List<TrackedInterfaceConfig>();
        foreach (var (track, node) in s.TrackInterfaces)
        {
            if (trackInterfaces.Any(t => t.Interface == track.Interface))
            {
                values.Warning(node, $"track_interface {track.Interface} is listed twice; this entry is ignored");
                continue;
            }
            if (track.Weight != 0 && weightsDropped is not null)
            {
                values.Warning(node, $"track_interface {track.Interface}: weight set to 0 for {weightsDropped}, as keepalived does");
                trackInterfaces.Add(track with { Weight = 0 });
                continue;
            }
            trackInterfaces.Add(track);
        }
        var references = s.TrackScripts;
        List<TrackedScriptConfig> trackScripts = InstanceReader.ResolveTrackScripts(values, references, scripts, null, $"vrrp_sync_group {s.Name}", ref ok);
        if (weightsDropped is not null)
        {
            for (int i = 0; i < trackScripts.Count; i++)
            {
                if (trackScripts[i].Weight != 0)
                {
                    values.Warning(references.First(r => r.Name == trackScripts[i].Script).Node,
                        $"track_script {trackScripts[i].Script}: weight set to 0 for {weightsDropped}, as keepalived does");
                    trackScripts[i] = trackScripts[i] with { Weight = 0 };
                }
            }
        }
        if (!ok)
            return null;
        return new SyncGroupConfig
        {
            Name = s.Name,
            Location = s.Location,
            Members = s.Members.Select(m => m.Name).ToEquatableArray(),
            TrackInterfaces = trackInterfaces.ToEquatableArray(),
            TrackScripts = trackScripts.ToEquatableArray(),
            Notify = s.Notify,
            TrackingWeight = s.TrackingWeight,
            NotifyPriorityChanges = s.NotifyPriorityChanges ?? global.NotifyPriorityChanges,
        };
    }

    // Two instances cannot share a VRID on one interface and address family (nor two unicast
    // instances talking to the same peers), since their advertisements would be indistinguishable.
    private static void CheckAcrossInstances(List<VrrpInstanceConfig> instances, ValueReader values)
    {
        DiagnosticBag d = values.Diagnostics;
        for (int j = 1; j < instances.Count; j++)
        {
            VrrpInstanceConfig b = instances[j];
            for (int i = 0; i < j; i++)
            {
                VrrpInstanceConfig a = instances[i];
                if (a.Family != b.Family || a.VirtualRouterId != b.VirtualRouterId || a.IsUnicast != b.IsUnicast)
                    continue;
                bool conflict = a.IsUnicast
                    ? (a.Interface is null || b.Interface is null || a.Interface == b.Interface)
                      && (a.SourceAddress is null || b.SourceAddress is null || a.SourceAddress == b.SourceAddress)
                      && a.UnicastPeers.Any(p => b.UnicastPeers.Contains(p))
                    : a.Interface == b.Interface;
                if (conflict)
                {
                    d.Error(b.Location, $"vrrp_instance {b.Name} uses virtual_router_id {b.VirtualRouterId} with {InstanceReader.Describe(b.Family)} on " +
                        $"{b.Interface ?? "its unicast peers"}, as vrrp_instance {a.Name} does ({a.Location}); a VRID must be unique per interface and address family");
                }
            }
            if (b.VmacName is not null && instances.Take(j).FirstOrDefault(a => a.VmacName == b.VmacName) is { } first)
                d.Error(b.Location, $"vrrp_instance {b.Name}: use_vmac name {b.VmacName} is already used by vrrp_instance {first.Name} ({first.Location})");
        }

        var owners = new Dictionary<(IpAddr, string?), VrrpInstanceConfig>();
        foreach (VrrpInstanceConfig instance in instances)
        {
            foreach (VirtualAddressConfig address in instance.VirtualAddresses.Concat(instance.ExcludedAddresses))
            {
                var key = (address.Address, address.Device ?? instance.Interface);
                if (owners.TryGetValue(key, out VrrpInstanceConfig? other) && other != instance)
                    d.Warning(instance.Location, $"vrrp_instance {instance.Name}: virtual address {address.Address} is also configured by vrrp_instance {other.Name} ({other.Location})");
                else
                    owners[key] = instance;
            }
        }
    }

    private static void CheckScriptsUsed(Dictionary<string, VrrpScriptConfig> scripts, List<VrrpInstanceConfig> instances, List<SyncGroupConfig> groups, ValueReader values)
    {
        foreach (VrrpScriptConfig script in scripts.Values)
        {
            bool used = instances.Any(i => i.TrackScripts.Any(t => t.Script == script.Name)) || groups.Any(g => g.TrackScripts.Any(t => t.Script == script.Name));
            if (!used)
                values.Diagnostics.Warning(script.Location, $"vrrp_script {script.Name} is not tracked by any instance or sync group, so it never runs");
        }
    }

    private static void CheckFifos(GlobalDefs global, SourceLocation vrrpFifoLocation, ValueReader values)
    {
        if (global.NotifyFifo is { } fifo && global.VrrpNotifyFifo is { } vrrpFifo && fifo.Path == vrrpFifo.Path)
            values.Diagnostics.Error(vrrpFifoLocation, $"notify_fifo and vrrp_notify_fifo name the same FIFO {fifo.Path}; they must differ");
    }

    // keepalived -t fails a configuration that runs scripts as root without enable_script_security.
    private static void CheckScriptSecurity(GlobalDefs global, IEnumerable<VrrpScriptConfig> scripts, List<VrrpInstanceConfig> instances, List<SyncGroupConfig> groups, ValueReader values)
    {
        if (global.EnableScriptSecurity)
            return;
        static IEnumerable<ScriptCommand?> All(NotifyScripts n) => [n.Master, n.Backup, n.Fault, n.Stop, n.Any];
        IEnumerable<(SourceLocation Location, ScriptCommand? Command)> commands = scripts.Select(s => (s.Location, (ScriptCommand?)s.Command))
            .Concat(instances.SelectMany(i => All(i.Notify).Select(c => (i.Location, c))))
            .Concat(groups.SelectMany(g => All(g.Notify).Select(c => (g.Location, c))));
        foreach (var (location, command) in commands)
        {
            if (command is not null && (command.User ?? global.ScriptUser ?? "root") == "root")
            {
                values.Diagnostics.Warning(location, "scripts run as root and enable_script_security is not set: a script that another user can modify would run as root " +
                    "(keepalived -t reports this as a security violation)");
                return;
            }
        }
    }

    // Diagnostics in file order (files in the order read), then line; the sort is stable.
    private static List<ConfigDiagnostic> Sort(IReadOnlyList<ConfigDiagnostic> items, IReadOnlyList<string> files) =>
        [.. items.OrderBy(d => d.Location.IsKnown ? IndexOf(files, d.Location.File) : -1).ThenBy(d => d.Location.Line)];

    private static int IndexOf(IReadOnlyList<string> files, string file)
    {
        for (int i = 0; i < files.Count; i++)
        {
            if (files[i] == file)
                return i;
        }
        return files.Count;
    }
}
