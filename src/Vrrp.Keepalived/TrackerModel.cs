namespace Vrrp.Keepalived;

/// <summary>How the parameters of a <c>vrrp_track_process</c> are compared with a process's command line (<c>param_match</c>).</summary>
public enum ProcessParamMatch
{
    /// <summary>Not compared (no parameters given, no <c>param_match</c>).</summary>
    None,

    /// <summary>The arguments must be exactly those given (none, when none are given).</summary>
    Exact,

    /// <summary><c>param_match partial</c>: the first arguments must be those given; more may follow.</summary>
    Partial,

    /// <summary><c>param_match initial</c>: as partial, but the last one given may be the start of the argument.</summary>
    Initial,
}

/// <summary>A <c>vrrp_track_process</c> block: a process that should be running, counted against a quorum.</summary>
public sealed record TrackProcessConfig
{
    /// <summary>The block's name, as <c>track_process</c> entries refer to it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the block starts.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>
    /// <c>process</c>: matched against the process name (comm, at most 15 bytes: a longer name
    /// never matches) or, with <see cref="FullCommand"/>, against the first word of its command line.
    /// </summary>
    public required string Process { get; init; }

    /// <summary>The words after the name on the <c>process</c> line: arguments compared as <see cref="ParamMatch"/> says.</summary>
    public EquatableArray<string> Parameters { get; init; } = EquatableArray<string>.Empty;

    /// <summary>How <see cref="Parameters"/> are compared; <see cref="ProcessParamMatch.Exact"/> when parameters are given without <c>param_match</c>.</summary>
    public ProcessParamMatch ParamMatch { get; init; }

    /// <summary><c>full_command</c> (or parameters, or <c>param_match</c>): match the command line, not the name.</summary>
    public bool FullCommand { get; init; }

    /// <summary><c>quorum</c>: how many matching processes are needed (default 1; 0 with <c>quorum_max 0</c>).</summary>
    public uint Quorum { get; init; } = 1;

    /// <summary><c>quorum_max</c>: how many may run at most (default no limit, <see cref="uint.MaxValue"/>).</summary>
    public uint QuorumMax { get; init; } = uint.MaxValue;

    /// <summary><c>weight</c> (-254..254, default 0: no quorum means FAULT).</summary>
    public int Weight { get; init; }

    /// <summary><c>weight N reverse</c>.</summary>
    public bool WeightReverse { get; init; }

    /// <summary><c>fork_delay</c> (or <c>delay</c>): a quorum reached by a fork counts only after this long.</summary>
    public TimeSpan ForkDelay { get; init; }

    /// <summary><c>terminate_delay</c> (or <c>delay</c>): a quorum lost by an exit counts only after this long.</summary>
    public TimeSpan TerminateDelay { get; init; }
}

/// <summary><c>init_file [VALUE] [overwrite]</c> of a track_file: the file is created with VALUE when missing (always with overwrite).</summary>
/// <param name="Value">The value written (default 0).</param>
/// <param name="Overwrite">Write it even when the file exists (not on a reload).</param>
public sealed record TrackFileInit(int Value, bool Overwrite);

/// <summary>A <c>track_file</c> (or deprecated <c>vrrp_track_file</c>) block: a file whose number changes the priority.</summary>
public sealed record TrackFileConfig
{
    /// <summary>The block's name, as <c>track_file</c> entries refer to it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the block starts.</summary>
    public SourceLocation Location { get; init; }

    /// <summary><c>file</c>: the path as written.</summary>
    public required string Path { get; init; }

    /// <summary><c>weight</c> (-254..254, default 1): the value is multiplied by it.</summary>
    public int Weight { get; init; } = 1;

    /// <summary><c>weight N reverse</c>.</summary>
    public bool WeightReverse { get; init; }

    /// <summary><c>init_file</c>, or null.</summary>
    public TrackFileInit? Init { get; init; }
}

/// <summary>A <c>track_process</c> entry of an instance or sync group, its weight resolved.</summary>
/// <param name="Process">The <c>vrrp_track_process</c> name.</param>
/// <param name="Weight">0: no quorum means FAULT; otherwise the priority change.</param>
/// <param name="Reverse"><c>reverse</c>: the weight counts negated.</param>
public sealed record TrackedProcessConfig(string Process, int Weight, bool Reverse);

/// <summary>A <c>track_file</c> entry of an instance or sync group, its weight resolved.</summary>
/// <param name="File">The <c>track_file</c> name.</param>
/// <param name="Weight">0: a value other than 0 means FAULT; otherwise the value is multiplied by it.</param>
/// <param name="Reverse"><c>reverse</c>: the weight counts negated.</param>
public sealed record TrackedFileConfig(string File, int Weight, bool Reverse);
