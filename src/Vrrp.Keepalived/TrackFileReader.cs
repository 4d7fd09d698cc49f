namespace Vrrp.Keepalived;

/// <summary>
/// The <c>track_file</c> block (and its deprecated spelling <c>vrrp_track_file</c>), read as
/// keepalived 2.2.7 reads it: a bad value is ignored with a warning; a block without
/// <c>file</c> is dropped. Whether the file's directory exists is the daemon's question (it
/// watches it), not the reader's.
/// </summary>
internal static class TrackFileReader
{
    public sealed class State(ValueReader values, string name, SourceLocation location, int instancesBefore, int groupsBefore)
    {
        public ValueReader Values { get; } = values;
        public string Name { get; } = name;
        public SourceLocation Location { get; } = location;

        /// <summary>Instances and sync groups read before this block: keepalived finds a block only from those after it.</summary>
        public int InstancesBefore { get; } = instancesBefore;
        public int GroupsBefore { get; } = groupsBefore;

        public string? Path;
        public int Weight = 1;
        public bool Reverse;
        public TrackFileInit? Init;
    }

    public static KeywordTable<State> Table { get; } = new KeywordTable<State>("track_file")
        .Add("file", static (s, n) =>
        {
            if (n.ArgumentCount == 0)
                s.Values.Warning(n, $"track_file {s.Name}: 'file' needs a path; ignored");
            else if (s.Path is not null)
                s.Values.Warning(n, $"track_file {s.Name}: the file is already set ('{s.Path}'); '{n.Argument(0)}' is ignored, as keepalived does");
            else
                s.Path = n.Argument(0);
        }, repeatable: true)
        .Add("weight", static (s, n) => ReadWeight(s, n), repeatable: true)
        .Add("init_file", static (s, n) => ReadInit(s, n), repeatable: true);

    private static void ReadWeight(State s, ConfigNode n)
    {
        if (n.ArgumentCount == 0)
        {
            s.Values.Warning(n, $"track_file {s.Name}: 'weight' needs a value; ignored");
            return;
        }
        // keepalived takes the first weight other than its default 1 and ignores the rest.
        if (s.Weight != 1)
        {
            s.Values.Warning(n, $"track_file {s.Name}: the weight is already set ({s.Weight}); '{n.Argument(0)}' is ignored, as keepalived does");
            return;
        }
        if (ValueReader.TryParseInteger(n.Argument(0), out long weight) && weight >= -254 && weight <= 254)
            s.Weight = (int)weight;
        else
            s.Values.Warning(n, $"track_file {s.Name}: weight '{n.Argument(0)}' must be -254..254; using 1, as keepalived does");
        if (n.ArgumentCount > 1)
        {
            if (n.Argument(1) == "reverse")
                s.Reverse = true;
            else
                s.Values.Warning(n, $"track_file {s.Name}: unknown weight option '{n.Argument(1)}'; ignored, as keepalived does");
        }
    }

    // init_file [VALUE] [overwrite], in any order.
    private static void ReadInit(State s, ConfigNode n)
    {
        int value = 0;
        bool overwrite = false;
        foreach (Token token in n.Arguments)
        {
            string word = token.Text.TrimStart(' ', '\t');
            if (word.Length > 0 && (char.IsAsciiDigit(word[0]) || word[0] == '-'))
            {
                if (!ValueReader.TryParseInteger(word, out long parsed) || parsed < int.MinValue || parsed > int.MaxValue)
                {
                    s.Values.Warning(n, $"track_file {s.Name}: init_file value '{word}' is not a number; 0 is written, as keepalived does");
                    value = 0;
                    continue;
                }
                if (parsed < -254 || parsed > 254)
                    s.Values.Warning(n, $"track_file {s.Name}: init_file value {parsed} is outside the sensible range -254..254");
                value = (int)parsed;
            }
            else if (word == "overwrite")
            {
                overwrite = true;
            }
            else
            {
                s.Values.Warning(n, $"track_file {s.Name}: unknown init_file option '{word}'; ignored, as keepalived does");
            }
        }
        s.Init = new TrackFileInit(value, overwrite);
    }

    /// <summary>The block as keepalived keeps it, or null (with a warning) when it names no file.</summary>
    public static TrackFileConfig? Complete(State s)
    {
        if (s.Path is null)
        {
            s.Values.Diagnostics.Warning(s.Location, $"track_file {s.Name} names no file; it is ignored, as keepalived does");
            return null;
        }
        return new TrackFileConfig { Name = s.Name, Location = s.Location, Path = s.Path, Weight = s.Weight, WeightReverse = s.Reverse, Init = s.Init };
    }
}
