using Vrrp.Linux;
using Vrrp.Keepalived;

namespace Vrrpd.Scripts;

/// <summary>The user and group a script runs as.</summary>
internal readonly record struct ScriptAccount(string User, uint Uid, uint Gid)
{
    /// <summary>keepalived's default script user, used when it exists and no script_user is set.</summary>
    public const string DefaultUser = "keepalived_script";

    /// <summary>True when running as this account needs no change of user or group.</summary>
    public bool IsOurs => Uid == UserDatabase.EffectiveUserId && Gid == UserDatabase.EffectiveGroupId;

    public override string ToString() => $"{User} ({Uid}:{Gid})";

    /// <summary>
    /// Resolves who runs <paramref name="command"/>, as keepalived does (notify.c
    /// set_script_uid_gid / set_default_script_user): the command's own user (and group, else
    /// the user's primary group), else global_defs script_user, else the user
    /// keepalived_script if it exists, else the daemon's own user and group - except that with
    /// enable_script_security a missing keepalived_script leaves the script without a user, and
    /// it is not run. False with the reason when no account can be found.
    /// </summary>
    public static bool TryResolve(ScriptCommand command, GlobalDefs global, out ScriptAccount account, out string? error)
    {
        account = default;
        error = null;
        string? user = command.User ?? global.ScriptUser;
        string? group = command.User is not null ? command.Group : global.ScriptGroup;
        if (user is null)
        {
            if (UserDatabase.TryGetUser(DefaultUser, out uint defaultUid, out uint defaultGid))
            {
                account = new ScriptAccount(DefaultUser, defaultUid, defaultGid);
                return true;
            }
            if (global.EnableScriptSecurity)
            {
                error = $"no script_user is set and the default user {DefaultUser} does not exist; with enable_script_security that leaves the script without a user, as in keepalived (set script_user)";
                return false;
            }
            account = new ScriptAccount(UserName(UserDatabase.EffectiveUserId), UserDatabase.EffectiveUserId, UserDatabase.EffectiveGroupId);
            return true;
        }

        if (!UserDatabase.TryGetUser(user, out uint uid, out uint gid))
        {
            error = $"script user '{user}' does not exist";
            return false;
        }
        if (group is not null && !UserDatabase.TryGetGroup(group, out gid))
        {
            error = $"script group '{group}' does not exist";
            return false;
        }
        account = new ScriptAccount(user, uid, gid);
        return true;
    }

    /// <summary>setpriv (util-linux), which changes user for a script: posix_spawn cannot.</summary>
    public static string? Setpriv { get; } = Executables.Find("setpriv");

    /// <summary>Why this daemon cannot run a script as <paramref name="account"/>, or null when it can (or needs no change of user).</summary>
    public static string? CannotSwitchTo(ScriptAccount account)
    {
        if (account.IsOurs) return null;
        if (Setpriv is null) return $"setpriv (util-linux) is needed to run scripts as {account}";
        string missing = MissingCapabilities(File.ReadAllText("/proc/self/status"));
        return missing.Length == 0 ? null
            : $"vrrpd lacks {missing}, needed to run scripts as {account} and to kill them (grant them in the service unit, or use script_user root)";
    }

    /// <summary>The capabilities a change of user needs (set uid and gid, signal the script) that CapEff in a /proc/PID/status text lacks, comma-separated.</summary>
    public static string MissingCapabilities(string procStatus)
    {
        const int CapKill = 5, CapSetgid = 6, CapSetuid = 7;
        string? line = procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        ulong effective = line is null ? 0 : Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
        var missing = new List<string>();
        if ((effective & (1UL << CapSetuid)) == 0) missing.Add("CAP_SETUID");
        if ((effective & (1UL << CapSetgid)) == 0) missing.Add("CAP_SETGID");
        if ((effective & (1UL << CapKill)) == 0) missing.Add("CAP_KILL");
        return string.Join(", ", missing);
    }

    private static string UserName(uint uid) => uid == 0 ? "root" : uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
