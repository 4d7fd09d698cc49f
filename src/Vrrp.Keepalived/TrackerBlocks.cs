using Vrrp.Core.Router;

namespace Vrrp.Keepalived;

/// <summary>
/// The <c>vrrp_track_process</c> and <c>track_file</c> blocks of a configuration, and the
/// <c>track_process { }</c> / <c>track_file { }</c> lists of instances and sync groups resolved
/// against them as keepalived 2.2.7 resolves them: an entry finds only a block written before
/// its instance or group; a missing block, a duplicate entry or a bad option is ignored with
/// a warning; the owner's and sync group members' weights are corrected.
/// </summary>
internal sealed class TrackerBlocks
{
    private readonly List<(TrackProcessConfig Config, int InstancesBefore, int GroupsBefore)> _processes = [];
    private readonly List<(TrackFileConfig Config, int InstancesBefore, int GroupsBefore)> _files = [];

    public IEnumerable<TrackProcessConfig> Processes => _processes.Select(p => p.Config);

    public IEnumerable<TrackFileConfig> Files => _files.Select(f => f.Config);

    /// <summary>A <c>vrrp_track_process</c> block at the top level, after <paramref name="instances"/> instances and <paramref name="groups"/> sync groups.</summary>
    public static void ReadProcess(List<TrackProcessReader.State> blocks, ConfigNode node, string? name, int instances, int groups, ValueReader values)
    {
        if (name is null) return;
        var state = new TrackProcessReader.State(values, name, node.Location, instances, groups);
        blocks.Add(state);
        BlockReader.Apply(node.Children!, TrackProcessReader.Table, state, $"in vrrp_track_process {name}", values);
    }

    /// <summary>A <c>track_file</c> (or deprecated <c>vrrp_track_file</c>) block at the top level.</summary>
    public static void ReadFile(List<TrackFileReader.State> blocks, ConfigNode node, string? name, int instances, int groups, ValueReader values)
    {
        if (node.Keyword == "vrrp_track_file")
            values.Warning(node, "\"vrrp_track_file\" is deprecated, please use \"track_file\" (keepalived's words)");
        if (name is null) return;
        var state = new TrackFileReader.State(values, name, node.Location, instances, groups);
        blocks.Add(state);
        BlockReader.Apply(node.Children!, TrackFileReader.Table, state, $"in track_file {name}", values);
    }

    /// <summary>Completes the blocks; of two with one name, the first counts (keepalived finds the first).</summary>
    public static TrackerBlocks Complete(IEnumerable<TrackProcessReader.State> processes, IEnumerable<TrackFileReader.State> files, ValueReader values)
    {
        var blocks = new TrackerBlocks();
        foreach (TrackProcessReader.State s in processes)
        {
            if (TrackProcessReader.Complete(s) is not TrackProcessConfig config)
                continue;
            if (blocks._processes.FirstOrDefault(p => p.Config.Name == config.Name).Config is { } first)
                values.Diagnostics.Warning(s.Location, $"vrrp_track_process {config.Name} is already defined at {first.Location}; this one is never used");
            blocks._processes.Add((config, s.InstancesBefore, s.GroupsBefore));
        }
        foreach (TrackFileReader.State s in files)
        {
            if (TrackFileReader.Complete(s) is not TrackFileConfig config)
                continue;
            if (blocks._files.FirstOrDefault(f => f.Config.Name == config.Name).Config is { } first)
                values.Diagnostics.Warning(s.Location, $"track_file {config.Name} is already defined at {first.Location}; this one is never used");
            blocks._files.Add((config, s.InstancesBefore, s.GroupsBefore));
        }
        return blocks;
    }

    /// <summary>
    /// The instance with its track_process and track_file entries. keepalived corrects the
    /// files of an address owner, and of a sync group member without sync_group_tracking_weight:
    /// the default weight 1 becomes 0 (a value other than 0 means FAULT), another weight drops the entry.
    /// </summary>
    public VrrpInstanceConfig Attach(VrrpInstanceConfig instance, int index, List<ConfigNode> processEntries, List<ConfigNode> fileEntries, bool trackingWeight, ValueReader values)
    {
        string owner = $"vrrp_instance {instance.Name}";
        List<(TrackedProcessConfig Track, ConfigNode Node)> processes = ResolveProcesses(processEntries, p => p.InstancesBefore <= index, owner, values);
        List<(TrackedFileConfig Track, ConfigNode Node)> files = ResolveFiles(fileEntries, f => f.InstancesBefore <= index, owner, values);

        bool syncWithoutWeights = instance.SyncGroup is not null && !trackingWeight;
        string? why = VirtualRouterOptions.IsOwnerPriority(instance.Priority) ? "the address owner (priority 255)"
            : syncWithoutWeights ? $"a member of sync group {instance.SyncGroup} (see sync_group_tracking_weight)" : null;
        var kept = new List<TrackedFileConfig>();
        foreach (var (track, node) in files)
        {
            if (why is null || track.Weight == 0)
            {
                kept.Add(track);
            }
            else if (track.Weight == 1)
            {
                values.Warning(node, $"{owner}: track_file {track.File}: the weight is ignored for {why}, as keepalived does: any value but 0 means FAULT (write 'weight 0' to say so)");
                kept.Add(track with { Weight = 0 });
            }
            else
            {
                values.Warning(node, $"{owner}: track_file {track.File} with weight {track.Weight} is not tracked by {why}, as keepalived does");
            }
        }
        return instance with
        {
            TrackProcesses = processes.Select(p => p.Track).ToEquatableArray(),
            TrackFiles = kept.ToEquatableArray(),
        };
    }

    /// <summary>
    /// A sync group's track_process and track_file entries, applied to every member (with their
    /// weights, as keepalived does); a group with an address owner as member gets weight 0. An
    /// entry its member tracks too is reported: keepalived keeps one (the group's weight unless
    /// the member's is 0).
    /// </summary>
    public (EquatableArray<TrackedProcessConfig> Processes, EquatableArray<TrackedFileConfig> Files) ForGroup(string name, int index,
        List<ConfigNode> processEntries, List<ConfigNode> fileEntries, IReadOnlyList<VrrpInstanceConfig> members, ValueReader values)
    {
        string owner = $"vrrp_sync_group {name}";
        List<(TrackedProcessConfig Track, ConfigNode Node)> processes = ResolveProcesses(processEntries, p => p.GroupsBefore <= index, owner, values);
        List<(TrackedFileConfig Track, ConfigNode Node)> files = ResolveFiles(fileEntries, f => f.GroupsBefore <= index, owner, values);
        VrrpInstanceConfig? ownerMember = members.FirstOrDefault(m => VirtualRouterOptions.IsOwnerPriority(m.Priority));
        for (int i = 0; i < processes.Count; i++)
        {
            var (track, node) = processes[i];
            if (ownerMember is not null && track.Weight != 0)
            {
                values.Warning(node, $"{owner}: track_process {track.Process}: weight set to 0, since member {ownerMember.Name} has priority 255, as keepalived does");
                processes[i] = (track with { Weight = 0 }, node);
            }
            foreach (VrrpInstanceConfig m in members.Where(m => m.TrackProcesses.Any(t => t.Process == track.Process)))
                values.Warning(node, $"{owner}: track_process {track.Process} is also tracked by its member {m.Name}; keepalived keeps one (the group's weight unless the member's is 0): remove the member's");
        }
        for (int i = 0; i < files.Count; i++)
        {
            var (track, node) = files[i];
            if (ownerMember is not null && track.Weight != 0)
            {
                values.Warning(node, $"{owner}: track_file {track.File}: weight set to 0, since member {ownerMember.Name} has priority 255, as keepalived does");
                files[i] = (track with { Weight = 0 }, node);
            }
            foreach (VrrpInstanceConfig m in members.Where(m => m.TrackFiles.Any(t => t.File == track.File)))
                values.Warning(node, $"{owner}: track_file {track.File} is also tracked by its member {m.Name}; keepalived keeps one (the group's weight unless the member's is 0): remove the member's");
        }
        return (processes.Select(p => p.Track).ToEquatableArray(), files.Select(f => f.Track).ToEquatableArray());
    }

    // "NAME [weight W [reverse|noreverse]]": an unknown option or a weight without value drops
    // the entry; a bad weight keeps the block's; an unknown last word is ignored.
    private List<(TrackedProcessConfig, ConfigNode)> ResolveProcesses(List<ConfigNode> entries, Func<(TrackProcessConfig Config, int InstancesBefore, int GroupsBefore), bool> visible,
        string owner, ValueReader values)
    {
        var result = new List<(TrackedProcessConfig, ConfigNode)>();
        foreach (ConfigNode entry in entries)
        {
            TrackProcessConfig? block = Find(_processes, entry, visible, p => p.Name, p => p.Location, "track_process", "vrrp_track_process", owner, values);
            if (block is null)
                continue;
            if (result.Any(r => r.Item1.Process == block.Name))
            {
                values.Warning(entry, $"{owner}: track_process {block.Name} is listed twice; this entry is ignored, as keepalived does");
                continue;
            }
            if (ReadOptions(entry, "track_process", owner, block.Weight, block.WeightReverse, dropOnBadReverse: false, values) is (int weight, bool reverse))
                result.Add((new TrackedProcessConfig(block.Name, weight, reverse), entry));
        }
        return result;
    }

    private List<(TrackedFileConfig, ConfigNode)> ResolveFiles(List<ConfigNode> entries, Func<(TrackFileConfig Config, int InstancesBefore, int GroupsBefore), bool> visible,
        string owner, ValueReader values)
    {
        var result = new List<(TrackedFileConfig, ConfigNode)>();
        foreach (ConfigNode entry in entries)
        {
            TrackFileConfig? block = Find(_files, entry, visible, f => f.Name, f => f.Location, "track_file", "track_file", owner, values);
            if (block is null)
                continue;
            if (result.Any(r => r.Item1.File == block.Name))
            {
                values.Warning(entry, $"{owner}: track_file {block.Name} is listed twice; this entry is ignored, as keepalived does");
                continue;
            }
            if (ReadOptions(entry, "track_file", owner, block.Weight, block.WeightReverse, dropOnBadReverse: true, values) is (int weight, bool reverse))
                result.Add((new TrackedFileConfig(block.Name, weight, reverse), entry));
        }
        return result;
    }

    private static T? Find<T>(List<(T Config, int InstancesBefore, int GroupsBefore)> blocks, ConfigNode entry, Func<(T, int, int), bool> visible,
        Func<T, string> nameOf, Func<T, SourceLocation> locationOf, string list, string block, string owner, ValueReader values) where T : class
    {
        string name = entry.Keyword;
        foreach (var b in blocks)
        {
            if (nameOf(b.Config) == name && visible(b))
                return b.Config;
        }
        T? later = blocks.Select(b => b.Config).FirstOrDefault(c => nameOf(c) == name);
        string detail = later is not null
            ? $" ({block} {name} is written after it, at {locationOf(later)}; keepalived only finds blocks written before)"
            : NearMiss.Suggest(name, blocks.Select(b => nameOf(b.Config))) is string suggestion ? $"; did you mean '{suggestion}'?" : "";
        values.Warning(entry, $"{owner}: {list} {name} not found; ignored, as keepalived does" + detail);
        return null;
    }

    private static (int, bool)? ReadOptions(ConfigNode entry, string list, string owner, int weight, bool reverse, bool dropOnBadReverse, ValueReader values)
    {
        string name = entry.Keyword;
        if (entry.ArgumentCount == 0)
            return (weight, reverse);
        if (entry.Argument(0) != "weight")
        {
            values.Warning(entry, $"{owner}: {list} {name}: unknown option '{entry.Argument(0)}'; the entry is ignored, as keepalived does");
            return null;
        }
        if (entry.ArgumentCount == 1)
        {
            values.Warning(entry, $"{owner}: {list} {name}: 'weight' needs a value; the entry is ignored, as keepalived does");
            return null;
        }
        if (ValueReader.TryParseInteger(entry.Argument(1), out long given) && given >= -254 && given <= 254)
            weight = (int)given;
        else
            values.Warning(entry, $"{owner}: {list} {name}: weight '{entry.Argument(1)}' must be -254..254; the block's weight {weight} is used, as keepalived does");
        if (entry.ArgumentCount >= 3)
        {
            switch (entry.Argument(2))
            {
                case "reverse":
                    reverse = true;
                    break;
                case "noreverse":
                    reverse = false;
                    break;
                default:
                    values.Warning(entry, $"{owner}: {list} {name}: unknown weight option '{entry.Argument(2)}'; " +
                        (dropOnBadReverse ? "the entry is ignored, as keepalived does" : "ignored, as keepalived does"));
                    if (dropOnBadReverse)
                        return null;
                    break;
            }
        }
        return (weight, reverse);
    }
}
