namespace Vrrpd.Commands;

/// <summary>
/// The daemon's command line, keepalived-compatible where keepalived has the option
/// (<c>-f/--use-file</c>, <c>-t/--config-test</c>, <c>-n</c>, <c>-l</c>, <c>-D</c>, <c>-p/--pid</c>,
/// <c>-i/--config-id</c>) so that a systemd unit can switch by changing the program name.
/// </summary>
internal sealed record DaemonOptions
{
    public const string DefaultConfigFile = "/etc/vrrpd/vrrpd.conf";
    public const string KeepalivedConfigFile = "/etc/keepalived/keepalived.conf";
    public const string DefaultControlSocket = "/run/vrrpd/vrrpd.sock";

    /// <summary><c>-f FILE</c>; null means <see cref="ResolveConfigFile"/>'s default.</summary>
    public string? ConfigFile { get; init; }

    /// <summary><c>-t</c>: check the configuration and exit.</summary>
    public bool ConfigTest { get; init; }

    /// <summary><c>--config-test=FILE</c>: where the check's findings go instead of stderr.</summary>
    public string? ConfigTestOutput { get; init; }

    /// <summary><c>-n</c>: vrrpd always runs in the foreground; accepted for keepalived units.</summary>
    public bool DontFork { get; init; }

    /// <summary><c>-l</c>: log to the console (vrrpd logs to stderr anyway).</summary>
    public bool LogConsole { get; init; }

    /// <summary><c>-D</c>: detailed logging.</summary>
    public bool LogDetail { get; init; }

    public string ControlSocket { get; init; } = DefaultControlSocket;

    public string? PidFile { get; init; }

    /// <summary><c>-i ID</c>: the id <c>@ID</c> configuration lines are compared with.</summary>
    public string? ConfigId { get; init; }

    /// <summary><c>--keep-capabilities</c>: do not give up capabilities the daemon does not need.</summary>
    public bool KeepCapabilities { get; init; }

    /// <summary><c>--signum=NAME</c>: print the number of the signal for NAME (keepalived's) and exit.</summary>
    public string? Signum { get; init; }

    /// <summary><c>--dump-dir DIR</c>: where the signal dumps go; null means $TMPDIR if absolute, else /tmp.</summary>
    public string? DumpDirectory { get; init; }

    /// <summary><c>--keepalived-dump-names</c>: name the dumps keepalived.data/.stats/.json instead of vrrpd.*.</summary>
    public bool KeepalivedDumpNames { get; init; }

    /// <summary><c>--syslog</c> (or <c>--syslog-ident</c>): log to the syslog socket, as keepalived does.</summary>
    public bool Syslog { get; init; }

    /// <summary><c>--syslog-ident IDENT</c>: the syslog identifier (keepalived's is Keepalived_vrrp); implies <see cref="Syslog"/>.</summary>
    public string? SyslogIdent { get; init; }

    /// <summary><c>--syslog-socket PATH</c>: the syslog socket (default /dev/log, which journald serves).</summary>
    public string? SyslogSocket { get; init; }

    /// <summary><c>-S N</c>: the syslog facility, keepalived's spelling (0-7, local0-7, user, daemon); null means daemon.</summary>
    public string? LogFacility { get; init; }

    /// <summary><c>-G</c>: no syslog, whatever else says so.</summary>
    public bool NoSyslog { get; init; }

    /// <summary>True when lines go to the syslog socket.</summary>
    public bool UsesSyslog => (Syslog || SyslogIdent is not null) && !NoSyslog;

    /// <summary>The file to read: <c>-f</c>, else /etc/vrrpd/vrrpd.conf if it exists, else /etc/keepalived/keepalived.conf.</summary>
    public string ResolveConfigFile(Func<string, bool> fileExists) =>
        ConfigFile ?? (fileExists(DefaultConfigFile) ? DefaultConfigFile : KeepalivedConfigFile);

    // keepalived options that change nothing for vrrpd (it is VRRP only, never forks, never respawns).
    private static readonly string[] IgnoredFlags = ["-P", "--vrrp", "-R", "--dont-respawn", "-m", "--core-dump"];

    public static bool TryParse(IReadOnlyList<string> args, out DaemonOptions options, out string? error)
    {
        options = new DaemonOptions();
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int equals = arg.IndexOf('=');
                string name = equals < 0 ? arg : arg[..equals];
                string? inline = equals < 0 ? null : arg[(equals + 1)..];
                if (!TryLong(name, inline, args, ref i, ref options, out error))
                    return false;
                continue;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                error = $"unexpected argument '{arg}'";
                return false;
            }
            // A cluster of short options ("-nlD"); one taking a value ends it ("-fFILE" or "-f FILE").
            for (int c = 1; c < arg.Length; c++)
            {
                string flag = "-" + arg[c];
                string rest = arg[(c + 1)..];
                if (TakesValue(flag))
                {
                    string? value = rest.Length > 0 ? rest : NextValue(args, ref i);
                    if (value is null)
                    {
                        error = $"option {flag} needs a value";
                        return false;
                    }
                    options = WithValue(options, flag, value);
                    break;
                }
                if (!TryFlag(flag, ref options))
                {
                    error = $"unknown option '{flag}'";
                    return false;
                }
            }
        }
        return true;
    }

    private static bool TryLong(string name, string? inline, IReadOnlyList<string> args, ref int i, ref DaemonOptions options, out string? error)
    {
        error = null;
        if (name == "--config-test")
        {
            // keepalived: --config-test[=LOG_FILE]; the value can only be attached.
            options = options with { ConfigTest = true, ConfigTestOutput = inline };
            return true;
        }
        if (TakesValue(name))
        {
            string? value = inline ?? NextValue(args, ref i);
            if (value is null)
            {
                error = $"option {name} needs a value";
                return false;
            }
            options = WithValue(options, name, value);
            return true;
        }
        if (inline is not null)
        {
            error = $"option {name} takes no value";
            return false;
        }
        if (!TryFlag(name, ref options))
        {
            error = $"unknown option '{name}'";
            return false;
        }
        return true;
    }

    private static string? NextValue(IReadOnlyList<string> args, ref int i) => i + 1 < args.Count ? args[++i] : null;

    private static bool TakesValue(string option) => option is "-f" or "--use-file" or "-p" or "--pid" or "--pid-file"
        or "--control-socket" or "-i" or "--config-id" or "--signum" or "--dump-dir" or "--syslog-ident" or "--syslog-socket"
        or "-S" or "--log-facility";

    private static DaemonOptions WithValue(DaemonOptions options, string option, string value) => option switch
    {
        "-f" or "--use-file" => options with { ConfigFile = value },
        "-p" or "--pid" or "--pid-file" => options with { PidFile = value },
        "--control-socket" => options with { ControlSocket = value },
        "-i" or "--config-id" => options with { ConfigId = value },
        "--signum" => options with { Signum = value },
        "--dump-dir" => options with { DumpDirectory = value },
        "--syslog-ident" => options with { SyslogIdent = value },
        "--syslog-socket" => options with { SyslogSocket = value },
        "-S" or "--log-facility" => options with { LogFacility = value },
        _ => options,
    };

    private static bool TryFlag(string flag, ref DaemonOptions options)
    {
        switch (flag)
        {
            case "-t":
                options = options with { ConfigTest = true };
                return true;
            case "-n" or "--dont-fork":
                options = options with { DontFork = true };
                return true;
            case "-l" or "--log-console":
                options = options with { LogConsole = true };
                return true;
            case "-D" or "--log-detail":
                options = options with { LogDetail = true };
                return true;
            case "--keep-capabilities":
                options = options with { KeepCapabilities = true };
                return true;
            case "--keepalived-dump-names":
                options = options with { KeepalivedDumpNames = true };
                return true;
            case "--syslog":
                options = options with { Syslog = true };
                return true;
            case "-G" or "--no-syslog":
                options = options with { NoSyslog = true };
                return true;
            default:
                return Array.IndexOf(IgnoredFlags, flag) >= 0;
        }
    }
}
