namespace Vrrp.Keepalived;

/// <summary>The <c>vrrp_script</c> block.</summary>
internal static class ScriptReader
{
    private const uint TimerMaxSeconds = uint.MaxValue / 1_000_000;

    public sealed class State(ValueReader values, string name, SourceLocation location)
    {
        public ValueReader Values { get; } = values;
        public string Name { get; } = name;
        public SourceLocation Location { get; } = location;
        public ScriptCommand? Command;
        public uint Interval = 1;
        public uint? Timeout;
        public int Weight;
        public bool Reverse;
        public uint Rise = 1, Fall = 1;
        public string? User, Group;
        public bool InitFail;
    }

    public static KeywordTable<State> Table { get; } = new KeywordTable<State>("vrrp_script")
        .Add("script", static (s, n) => s.Command = s.Values.Command(n, allowUser: false) ?? s.Command)
        .Add("interval", static (s, n) => s.Interval = AtLeastOneSecond(s.Values, n) ?? s.Interval)
        .Add("timeout", static (s, n) => s.Timeout = AtLeastOneSecond(s.Values, n) ?? s.Timeout)
        .Add("weight", static (s, n) =>
        {
            if (ReadWeight(s.Values, n, 253) is var (weight, reverse))
                (s.Weight, s.Reverse) = (weight, reverse);
        })
        .Add("rise", static (s, n) => s.Rise = s.Values.Unsigned(n, 1, int.MaxValue) ?? s.Rise)
        .Add("fall", static (s, n) => s.Fall = s.Values.Unsigned(n, 1, int.MaxValue) ?? s.Fall)
        .Add("user", static (s, n) => (s.User, s.Group) = GlobalDefsReader.UserGroup(s.Values, n, s.User, s.Group))
        .Add("init_fail", static (s, n) => { s.Values.NoArguments(n); s.InitFail = true; });

    public static VrrpScriptConfig? Complete(State s)
    {
        if (s.Command is null)
        {
            s.Values.Diagnostics.Error(s.Location, $"vrrp_script {s.Name} has no 'script' command");
            return null;
        }
        var interval = TimeSpan.FromSeconds(s.Interval);
        return new VrrpScriptConfig
        {
            Name = s.Name,
            Location = s.Location,
            Command = s.Command with { User = s.User, Group = s.Group },
            Interval = interval,
            // keepalived gives a run the interval when no timeout is set.
            Timeout = s.Timeout is uint timeout ? TimeSpan.FromSeconds(timeout) : interval,
            Weight = s.Weight,
            WeightReverse = s.Reverse,
            Rise = (int)s.Rise,
            Fall = (int)s.Fall,
            InitFail = s.InitFail,
        };
    }

    // keepalived reads whole seconds here and turns 0 into 1.
    private static uint? AtLeastOneSecond(ValueReader values, ConfigNode node)
    {
        uint? value = values.Unsigned(node, 0, TimerMaxSeconds, " seconds");
        if (value == 0)
        {
            values.Warning(node, $"{node.Keyword} 0: must be at least 1 second, using 1 as keepalived does");
            return 1;
        }
        return value;
    }

    /// <summary>"weight N [reverse]" of a vrrp_script.</summary>
    public static (int Weight, bool Reverse)? ReadWeight(ValueReader values, ConfigNode node, int limit)
    {
        if (node.ArgumentCount == 0)
        {
            values.Error(node, "'weight' needs a value");
            return null;
        }
        int? weight = values.Integer(node, "weight", node.Argument(0), -limit, limit);
        bool reverse = false;
        if (node.ArgumentCount > 1)
        {
            if (node.Argument(1) == "reverse")
                reverse = true;
            else
                values.Error(node, $"weight option '{node.Argument(1)}': the only option is 'reverse'");
            values.WarnExtra(node, 2);
        }
        return weight is int w ? (w, reverse) : null;
    }
}
