namespace Vrrpd.Scripts;

/// <summary>Timings of script handling that keepalived.conf has no keyword for.</summary>
internal sealed record ScriptOptions
{
    /// <summary>The defaults below.</summary>
    public static ScriptOptions Default { get; } = new();

    /// <summary>
    /// After SIGTERM, how long a process group gets before SIGKILL (keepalived: 2 s for a timed-out
    /// track script).
    /// </summary>
    public TimeSpan TermGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one notify script may run before its process group is killed (TERM, then KILL).
    /// keepalived lets notify scripts run unbounded (STOP ones get 1 s); vrrpd runs an instance's
    /// notifications in order, so a hung script must not hold up the next ones forever.
    /// </summary>
    public TimeSpan NotifyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
