namespace Vrrp.Keepalived;

/// <summary>Applies a block's statements through its keyword table, reporting unknown, ignored and refused keywords.</summary>
internal static class BlockReader
{
    /// <summary>
    /// Runs each statement's handler; returns the statement last seen for each keyword so that
    /// later checks can point at the line that set a value.
    /// </summary>
    public static Dictionary<string, ConfigNode> Apply<TState>(IEnumerable<ConfigNode> nodes, KeywordTable<TState> table, TState state, string context, ValueReader values)
    {
        var seen = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (ConfigNode node in nodes)
        {
            string keyword = node.Keyword;
            if (!table.TryGet(keyword, out var entry))
            {
                string? suggestion = NearMiss.Suggest(keyword, table.Names);
                values.Error(node, $"unknown keyword '{keyword}' {context}" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                continue;
            }
            switch (entry.Kind)
            {
                case KeywordKind.Ignored:
                    values.Diagnostics.WarningOnce("ignored " + keyword, node.Location, $"keepalived keyword '{keyword}' is ignored by vrrpd ({entry.Reason})");
                    continue;
                case KeywordKind.Refused:
                    values.Error(node, $"keepalived keyword '{keyword}' is not supported by vrrpd ({entry.Reason})");
                    continue;
            }
            if (entry.Block == BlockUse.Required && !node.HasBlock)
            {
                values.Error(node, $"'{keyword}' needs a {{ }} block");
                continue;
            }
            if (entry.Block == BlockUse.None && node.HasBlock)
            {
                values.Error(node, $"'{keyword}' does not take a {{ }} block");
                continue;
            }
            if (!entry.Repeatable && seen.TryGetValue(keyword, out ConfigNode? previous))
                values.Warning(node, $"'{keyword}' is given again (first at {previous.Location}); this one is used");
            seen[keyword] = node;
            entry.Apply!(state, node);
        }
        return seen;
    }

    /// <summary>The entries of a value block (virtual_ipaddress, track_script, ...): statements without blocks of their own.</summary>
    public static IEnumerable<ConfigNode> Entries(ConfigNode block, ValueReader values)
    {
        foreach (ConfigNode entry in block.Children ?? [])
        {
            if (entry.HasBlock)
            {
                values.Error(entry, $"'{entry.Text}' in {block.Keyword} cannot have a {{ }} block");
                continue;
            }
            yield return entry;
        }
    }
}
