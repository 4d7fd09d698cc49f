namespace Vrrpd.Commands;

/// <summary>One option of the daemon's command line as <c>vrrpd --help</c> lists it.</summary>
/// <param name="Names">Its spellings, short first (<c>-f</c>, <c>--use-file</c>).</param>
/// <param name="Value">The value it takes (<c>FILE</c>), or one attached to the long name (<c>[=FILE]</c>); null for a flag.</param>
/// <param name="Text">What it does, one line.</param>
internal sealed record DaemonOption(string[] Names, string? Value, string Text)
{
    /// <summary>"-f, --use-file FILE", "-t, --config-test[=FILE]".</summary>
    public string Synopsis => string.Join(", ", Names) + Value switch
    {
        null => "",
        ['[', ..] => Value,
        _ => " " + Value,
    };
}

/// <summary>
/// Every option the daemon accepts, the one list <c>vrrpd --help</c> prints. A test holds it
/// against <see cref="DaemonOptions.TryParse"/> and docs/man/vrrpd.8: an option added to the
/// parser needs a line here and an entry in the man page.
/// </summary>
internal static class DaemonOptionTable
{
    public static IReadOnlyList<DaemonOption> Options { get; } =
    [
        new(["-f", "--use-file"], "FILE", $"the configuration (default {DaemonOptions.DefaultConfigFile}, else {DaemonOptions.KeepalivedConfigFile})"),
        new(["-t", "--config-test"], "[=FILE]", "check the configuration and exit: 0 it can run, 1 it cannot; findings on stderr (or in FILE)"),
        new(["-i", "--config-id"], "ID", "the id @ID lines of the configuration are kept for (default: the host name up to the first dot)"),
        new(["--control-socket"], "PATH", $"the socket 'vrrpd status' asks (default {DaemonOptions.DefaultControlSocket})"),
        new(["-p", "--pid", "--pid-file"], "FILE", "write the process id to FILE (default: no pid file)"),
        new(["-D", "--log-detail"], null, "log detail (debug lines) too"),
        new(["--keep-capabilities"], null, "keep every capability (by default only CAP_NET_RAW, CAP_NET_ADMIN and what scripts need)"),
        new(["--signum"], "=NAME", "print the number of the signal for STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON, and exit (as keepalived --signum)"),
        new(["--dump-dir"], "DIR", "where SIGUSR1, SIGUSR2, SIGRTMIN+2 and SIGRTMAX-1 write their dumps (default $TMPDIR if absolute, else /tmp)"),
        new(["--keepalived-dump-names"], null, "name the dumps keepalived.data, .stats, .json instead of vrrpd.*"),
        new(["--syslog-ident"], "IDENT", "log to syslog with that tag (Keepalived_vrrp: journalctl -t Keepalived_vrrp finds the lines); stderr then only with -l"),
        new(["--syslog"], null, "log to syslog with the tag vrrpd; stderr then only with -l"),
        new(["--syslog-socket"], "PATH", "the syslog socket (default /dev/log)"),
        new(["-S", "--log-facility"], "F", "syslog facility: 0-7 or local0-local7, user, daemon (default)"),
        new(["-G", "--no-syslog"], null, "no syslog, whatever else says so"),
        new(["-n", "--dont-fork"], null, "accepted for keepalived's units: vrrpd always runs in the foreground"),
        new(["-l", "--log-console"], null, "log to stderr too when logging to syslog (stderr is the default; journald under systemd)"),
        new(["-h", "--help"], null, "this text; 'vrrpd COMMAND --help' for a command's"),
        new(["-v", "--version"], null, "the version"),
    ];

    /// <summary>keepalived options vrrpd accepts and ignores, so that a keepalived command line runs unchanged.</summary>
    public static IReadOnlyList<DaemonOption> KeepalivedNoOps { get; } =
    [
        new(["-P", "--vrrp"], null, "VRRP only: vrrpd is nothing else"),
        new(["-R", "--dont-respawn"], null, "vrrpd is one process, nothing to respawn"),
        new(["-m", "--core-dump"], null, "set core dumps with ulimit or LimitCORE="),
    ];
}
