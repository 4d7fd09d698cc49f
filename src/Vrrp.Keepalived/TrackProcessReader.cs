namespace Vrrp.Keepalived;

/// <summary>
/// The <c>vrrp_track_process</c> block, read as keepalived 2.2.7 reads it: a bad value is
/// ignored with a warning and the block keeps its previous setting; a block without
/// <c>process</c> is dropped.
/// </summary>
internal static class TrackProcessReader
{
    private const long MaxDelayMicros = 3600 * ValueReader.MicrosPerSecond;

    public sealed class State(ValueReader values, string name, SourceLocation location, int instancesBefore, int groupsBefore)
    {
        public ValueReader Values { get; } = values;
        public string Name { get; } = name;
        public SourceLocation Location { get; } = location;

        /// <summary>Instances and sync groups read before this block: keepalived finds a block only from those after it.</summary>
        public int InstancesBefore { get; } = instancesBefore;
        public int GroupsBefore { get; } = groupsBefore;

        public string? Process;
        public List<string> Parameters = [];
        public ProcessParamMatch ParamMatch;
        public bool FullCommand;
        public uint Quorum = 1;
        public uint QuorumMax = uint.MaxValue;
        public int Weight;
        public bool Reverse;
        public long ForkDelayMicros, TerminateDelayMicros;
    }

    public static KeywordTable<State> Table { get; } = new KeywordTable<State>("vrrp_track_process")
        .Add("process", static (s, n) => ReadProcess(s, n), repeatable: true)
        .Add("param_match", static (s, n) =>
        {
            switch (n.ArgumentCount == 0 ? null : n.Argument(0))
            {
                case null:
                    s.ParamMatch = ProcessParamMatch.Exact;
                    break;
                case "initial":
                    s.ParamMatch = ProcessParamMatch.Initial;
                    break;
                case "partial":
                    s.ParamMatch = ProcessParamMatch.Partial;
                    break;
                case string other:
                    s.Values.Warning(n, $"vrrp_track_process {s.Name}: param_match '{other}' is not none, partial or initial; ignored, as keepalived does");
                    return;
            }
            s.FullCommand = true;
        }, repeatable: true)
        .Add("full_command", static (s, n) => { s.Values.NoArguments(n); s.FullCommand = true; }, repeatable: true)
        .Add("quorum", static (s, n) =>
        {
            if (Number(s, n, 1, 65535) is not uint quorum)
                return;
            if (quorum > s.QuorumMax)
                s.Values.Warning(n, $"vrrp_track_process {s.Name}: quorum {quorum} is greater than quorum_max {s.QuorumMax}; ignored, as keepalived does");
            else
                s.Quorum = quorum;
        }, repeatable: true)
        .Add("quorum_max", static (s, n) =>
        {
            if (Number(s, n, 0, 65535) is not uint max)
                return;
            // quorum_max 0 (the process must not run) is allowed unless a quorum above 1 was set.
            if ((max != 0 || s.Quorum > 1) && max < s.Quorum)
            {
                s.Values.Warning(n, $"vrrp_track_process {s.Name}: quorum_max {max} is less than quorum {s.Quorum}; ignored, as keepalived does");
                return;
            }
            s.QuorumMax = max;
            s.Quorum = max == 0 ? 0 : Math.Max(s.Quorum, 1);
        }, repeatable: true)
        .Add("weight", static (s, n) => ReadWeight(s, n), repeatable: true)
        .Add("delay", static (s, n) => ReadDelay(s, n, fork: true, terminate: true), repeatable: true)
        .Add("fork_delay", static (s, n) => ReadDelay(s, n, fork: true, terminate: false), repeatable: true)
        .Add("terminate_delay", static (s, n) => ReadDelay(s, n, fork: false, terminate: true), repeatable: true);

    // process NAME [PARAMETER...]: parameters mean the command line is compared, exactly unless param_match says otherwise.
    private static void ReadProcess(State s, ConfigNode n)
    {
        if (n.ArgumentCount == 0)
        {
            s.Values.Warning(n, $"vrrp_track_process {s.Name}: 'process' needs a name; ignored");
            return;
        }
        if (s.Process is not null)
        {
            s.Values.Warning(n, $"vrrp_track_process {s.Name}: the process is already set ('{s.Process}'); '{n.Argument(0)}' is ignored, as keepalived does");
            return;
        }
        s.Process = n.Argument(0);
        if (n.ArgumentCount > 1)
        {
            s.Parameters = [.. n.Arguments.Skip(1).Select(t => t.Text)];
            if (s.ParamMatch == ProcessParamMatch.None)
                s.ParamMatch = ProcessParamMatch.Exact;
            s.FullCommand = true;
        }
    }

    private static void ReadWeight(State s, ConfigNode n)
    {
        if (n.ArgumentCount == 0)
        {
            s.Values.Warning(n, $"vrrp_track_process {s.Name}: 'weight' needs a value; ignored");
            return;
        }
        // keepalived takes the first non-zero weight and ignores the rest.
        if (s.Weight != 0)
        {
            s.Values.Warning(n, $"vrrp_track_process {s.Name}: the weight is already set ({s.Weight}); '{n.Argument(0)}' is ignored, as keepalived does");
            return;
        }
        if (!ValueReader.TryParseInteger(n.Argument(0), out long weight) || weight < -254 || weight > 254)
        {
            s.Values.Warning(n, $"vrrp_track_process {s.Name}: weight '{n.Argument(0)}' must be -254..254; ignored, as keepalived does");
            return;
        }
        if (n.ArgumentCount > 1)
        {
            if (n.Argument(1) == "reverse")
                s.Reverse = true;
            else
                s.Values.Warning(n, $"vrrp_track_process {s.Name}: unknown weight option '{n.Argument(1)}'; ignored, as keepalived does");
        }
        s.Weight = (int)weight;
    }

    private static void ReadDelay(State s, ConfigNode n, bool fork, bool terminate)
    {
        string? word = n.ArgumentCount == 0 ? null : n.Argument(0);
        if (word is null || !ValueReader.TryParseDecimalMicros(word, out long micros) || micros < 1 || micros > MaxDelayMicros)
        {
            s.Values.Warning(n, $"vrrp_track_process {s.Name}: {n.Keyword} '{word}' must be 0.000001..3600 seconds; ignored, as keepalived does");
            return;
        }
        if (fork)
            s.ForkDelayMicros = micros;
        if (terminate)
            s.TerminateDelayMicros = micros;
    }

    private static uint? Number(State s, ConfigNode n, uint min, uint max)
    {
        string? word = n.ArgumentCount == 0 ? null : n.Argument(0);
        if (word is not null && ValueReader.TryParseUnsigned(word, out ulong value) && value >= min && value <= max)
            return (uint)value;
        s.Values.Warning(n, $"vrrp_track_process {s.Name}: {n.Keyword} '{word}' must be {min}..{max}; ignored, as keepalived does");
        return null;
    }

    /// <summary>The block as keepalived keeps it, or null (with a warning) when it names no process.</summary>
    public static TrackProcessConfig? Complete(State s)
    {
        if (s.Process is null)
        {
            s.Values.Diagnostics.Warning(s.Location, $"vrrp_track_process {s.Name} names no process; it is ignored, as keepalived does");
            return null;
        }
        return new TrackProcessConfig
        {
            Name = s.Name,
            Location = s.Location,
            Process = s.Process,
            Parameters = s.Parameters.ToEquatableArray(),
            ParamMatch = s.ParamMatch,
            FullCommand = s.FullCommand,
            Quorum = s.Quorum,
            QuorumMax = s.QuorumMax,
            Weight = s.Weight,
            WeightReverse = s.Reverse,
            ForkDelay = TimeSpan.FromMicroseconds(s.ForkDelayMicros),
            TerminateDelay = TimeSpan.FromMicroseconds(s.TerminateDelayMicros),
        };
    }
}
