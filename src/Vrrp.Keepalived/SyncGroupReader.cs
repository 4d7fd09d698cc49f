namespace Vrrp.Keepalived;

/// <summary>The <c>vrrp_sync_group</c> block.</summary>
internal static class SyncGroupReader
{
    public sealed class State(ValueReader values, string name, SourceLocation location)
    {
        public ValueReader Values { get; } = values;
        public string Name { get; } = name;
        public SourceLocation Location { get; } = location;
        public List<(string Name, ConfigNode Node)>? Members;
        public List<(TrackedInterfaceConfig Track, ConfigNode Node)> TrackInterfaces = [];
        public List<TrackingReader.ScriptReference> TrackScripts = [];
        public List<ConfigNode> TrackProcesses = [], TrackFiles = [];
        public NotifyScripts Notify = NotifyScripts.None;
        public bool TrackingWeight;
        public bool? NotifyPriorityChanges;
    }

    public static KeywordTable<State> Table { get; } = BuildTable();

    private static KeywordTable<State> BuildTable()
    {
        var table = new KeywordTable<State>("vrrp_sync_group")
            .Add("group", static (s, n) =>
            {
                if (s.Members is not null)
                {
                    s.Values.Error(n, $"the group list of vrrp_sync_group {s.Name} is given twice");
                    return;
                }
                // keepalived reads the block as a list of words, several per line allowed.
                s.Members = [.. BlockReader.Entries(n, s.Values).SelectMany(e => e.Tokens.Select(t => (t.Text, e)))];
            }, BlockUse.Required, repeatable: true)
            .Add("track_interface", static (s, n) => s.TrackInterfaces.AddRange(TrackingReader.Interfaces(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("track_script", static (s, n) => s.TrackScripts.AddRange(TrackingReader.Scripts(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("track_process", static (s, n) => s.TrackProcesses.AddRange(BlockReader.Entries(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("track_file", static (s, n) => s.TrackFiles.AddRange(BlockReader.Entries(n, s.Values)), BlockUse.Required, repeatable: true)
            .Add("global_tracking", static (s, n) =>
            {
                s.Values.Warning(n, "global_tracking is deprecated (keepalived reads it as sync_group_tracking_weight); use track_interface/track_script on the sync group");
                s.TrackingWeight = true;
            })
            .Add("sync_group_tracking_weight", static (s, n) => { s.Values.NoArguments(n); s.TrackingWeight = true; })
            .Add("notify_priority_changes", static (s, n) => s.NotifyPriorityChanges = s.Values.OptionalBool(n) ?? s.NotifyPriorityChanges);
        AddNotifyKeywords(table, static s => s.Values, static s => s.Notify, static (s, notify) => s.Notify = notify);
        table.Ignore("e-mail alerts are not sent", "smtp_alert")
            .Refuse("BFD is not implemented", "track_bfd")
            .Refuse("not implemented", "notify_deleted");
        return table;
    }

    /// <summary>notify_master/backup/fault/stop and notify, shared with vrrp_instance; keepalived keeps the first of each.</summary>
    public static void AddNotifyKeywords<T>(KeywordTable<T> table, Func<T, ValueReader> values, Func<T, NotifyScripts> get, Action<T, NotifyScripts> set)
    {
        foreach (string keyword in (string[])["notify_master", "notify_backup", "notify_fault", "notify_stop", "notify"])
        {
            table.Add(keyword, (s, n) =>
            {
                NotifyScripts current = get(s);
                ScriptCommand? existing = keyword switch
                {
                    "notify_master" => current.Master,
                    "notify_backup" => current.Backup,
                    "notify_fault" => current.Fault,
                    "notify_stop" => current.Stop,
                    _ => current.Any,
                };
                if (existing is not null)
                {
                    values(s).Error(n, $"'{keyword}' is given twice (keepalived uses the first, '{existing.CommandLine}')");
                    return;
                }
                if (values(s).Command(n, allowUser: true) is not ScriptCommand command)
                    return;
                set(s, keyword switch
                {
                    "notify_master" => current with { Master = command },
                    "notify_backup" => current with { Backup = command },
                    "notify_fault" => current with { Fault = command },
                    "notify_stop" => current with { Stop = command },
                    _ => current with { Any = command },
                });
            }, repeatable: true);
        }
    }
}
