namespace Vrrp.Keepalived;

internal enum KeywordKind
{
    /// <summary>Read and honoured.</summary>
    Supported,

    /// <summary>Read (with its block, if any) and reported once as ignored: it does not change what VRRP does.</summary>
    Ignored,

    /// <summary>An error: keepalived would change its behaviour for it and vrrpd cannot.</summary>
    Refused,
}

internal enum BlockUse
{
    None,
    Required,
}

/// <summary>The keywords of one kind of block and what vrrpd does with each.</summary>
internal sealed class KeywordTable<TState>(string blockName)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public string BlockName { get; } = blockName;

    public IEnumerable<string> Names => _entries.Keys;

    public IEnumerable<string> Supported => _entries.Where(e => e.Value.Kind == KeywordKind.Supported).Select(e => e.Key);

    public IEnumerable<string> Ignored => _entries.Where(e => e.Value.Kind == KeywordKind.Ignored).Select(e => e.Key);

    public IEnumerable<string> Refused => _entries.Where(e => e.Value.Kind == KeywordKind.Refused).Select(e => e.Key);

    public KeywordTable<TState> Add(string name, Action<TState, ConfigNode> apply, BlockUse block = BlockUse.None, bool repeatable = false)
    {
        _entries.Add(name, new Entry(KeywordKind.Supported, apply, block, repeatable, null));
        return this;
    }

    /// <summary>Several keywords read the same way.</summary>
    public KeywordTable<TState> Add(IEnumerable<string> names, Action<TState, ConfigNode> apply, BlockUse block = BlockUse.None, bool repeatable = false)
    {
        foreach (string name in names)
            Add(name, apply, block, repeatable);
        return this;
    }

    public KeywordTable<TState> Ignore(string why, params string[] names)
    {
        foreach (string name in names)
            _entries.Add(name, new Entry(KeywordKind.Ignored, null, BlockUse.None, true, why));
        return this;
    }

    public KeywordTable<TState> Refuse(string why, params string[] names)
    {
        foreach (string name in names)
            _entries.Add(name, new Entry(KeywordKind.Refused, null, BlockUse.None, true, why));
        return this;
    }

    public bool TryGet(string name, out Entry entry) => _entries.TryGetValue(name, out entry!);

    public sealed record Entry(KeywordKind Kind, Action<TState, ConfigNode>? Apply, BlockUse Block, bool Repeatable, string? Reason);
}
