using Vrrp.Keepalived;

namespace Vrrpd.Trackers;

/// <summary>
/// Whether a process is one a <c>vrrp_track_process</c> counts, as keepalived 2.2.7 decides:
/// its name (comm) equals <c>process</c>, or with <c>full_command</c> the first word of its
/// command line does and the remaining words fit the parameters (<c>param_match</c>).
/// </summary>
internal sealed class ProcessMatcher(TrackProcessConfig config)
{
    public TrackProcessConfig Config { get; } = config;

    /// <summary>True when the command line is compared (else the name).</summary>
    public bool UsesCommandLine => Config.FullCommand;

    /// <summary>Compares a process's name (comm) or command line; either may be null when not read or gone.</summary>
    public bool Matches(string? name, string[]? commandLine)
    {
        if (!Config.FullCommand)
            return name == Config.Process;
        if (commandLine is not { Length: > 0 } || commandLine[0] != Config.Process)
            return false;
        return ParametersMatch(commandLine.AsSpan(1));
    }

    private bool ParametersMatch(ReadOnlySpan<string> actual)
    {
        EquatableArray<string> wanted = Config.Parameters;
        switch (Config.ParamMatch)
        {
            case ProcessParamMatch.None:
                return true;
            case ProcessParamMatch.Exact:
                return actual.Length == wanted.Count && Leading(actual, wanted, wanted.Count);
            case ProcessParamMatch.Partial:
                return actual.Length >= wanted.Count && Leading(actual, wanted, wanted.Count);
            default:
                // initial: the last parameter given may be the start of the process's.
                if (wanted.Count == 0) return true;
                return actual.Length >= wanted.Count && Leading(actual, wanted, wanted.Count - 1)
                    && actual[wanted.Count - 1].StartsWith(wanted[wanted.Count - 1], StringComparison.Ordinal);
        }
    }

    private static bool Leading(ReadOnlySpan<string> actual, EquatableArray<string> wanted, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (actual[i] != wanted[i])
                return false;
        }
        return true;
    }
}
