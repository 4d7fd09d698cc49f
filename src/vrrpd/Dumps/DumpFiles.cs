using Vrrp.Keepalived;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Dumps;

/// <summary>The four dumps keepalived's VRRP process writes on a signal.</summary>
internal enum DumpKind
{
    /// <summary>SIGUSR1: the configuration and state (<c>.data</c>).</summary>
    Data,
    /// <summary>SIGUSR2: the counters (<c>.stats</c>).</summary>
    Stats,
    /// <summary>SIGRTMAX-1: the counters, then cleared (<c>.stats</c>).</summary>
    StatsClear,
    /// <summary>SIGRTMIN+2: configuration, state and counters as JSON (<c>.json</c>).</summary>
    Json,
}

/// <summary>
/// Where the dumps go: keepalived's directory rule ($TMPDIR when it is an absolute path, else
/// /tmp, read once at start) or <c>--dump-dir</c>; named <c>vrrpd.data</c>, <c>vrrpd.stats</c>,
/// <c>vrrpd.json</c>, or keepalived's names with <c>--keepalived-dump-names</c> for tools that
/// read /tmp/keepalived.json.
/// </summary>
internal sealed record DumpFiles(string Directory, string Stem)
{
    public const string VrrpdStem = "vrrpd";
    public const string KeepalivedStem = "keepalived";

    public static DumpFiles Create(string? directory, bool keepalivedNames, string? tmpdir) =>
        new(Path.GetFullPath(directory ?? DefaultDirectory(tmpdir)), keepalivedNames ? KeepalivedStem : VrrpdStem);

    /// <summary>keepalived's <c>set_tmp_dir</c>: TMPDIR only when it starts with '/'.</summary>
    public static string DefaultDirectory(string? tmpdir) => tmpdir is { Length: > 0 } && tmpdir[0] == '/' ? tmpdir : "/tmp";

    public string PathOf(DumpKind kind) => Path.Combine(Directory, Stem + kind switch
    {
        DumpKind.Data => ".data",
        DumpKind.Json => ".json",
        _ => ".stats",
    });
}

/// <summary>What a dump is made of, taken together on the loop thread: the host's state and the configuration it runs.</summary>
internal sealed record DumpSource(HostStatus Status, KeepalivedConfig Config, int ProcessId)
{
    public VrrpInstanceConfig? Instance(string name) => Config.FindInstance(name);
}
