using Vrrp.Linux;

namespace Vrrpd.Scripts;

/// <summary>Why a script cannot be run.</summary>
internal enum ScriptProblem
{
    /// <summary>It can be run.</summary>
    None,
    /// <summary>Not found, or a path component cannot be read.</summary>
    Missing,
    /// <summary>Not a regular file, or not executable for the user it runs as.</summary>
    NotExecutable,
    /// <summary>Refused by enable_script_security (or a path component of the wrong type).</summary>
    Refused,
    /// <summary>It runs as another user and this daemon cannot switch to it (no setpriv, or missing capabilities).</summary>
    CannotSwitchUser,
}

/// <summary>The verdict on a script before it runs: what to execute, or why not.</summary>
/// <param name="Problem">None when it can run.</param>
/// <param name="ExecutablePath">The resolved file to execute (PATH searched, symbolic links resolved).</param>
/// <param name="Reason">Why it cannot run, naming the path; null when it can.</param>
/// <param name="Warnings">Things keepalived warns about but runs anyway (unsafe permissions without enable_script_security, PATH search).</param>
/// <param name="NeedsShell">The file starts with neither "#!" nor an ELF header, so it runs through /bin/sh.</param>
internal sealed record ScriptCheck(ScriptProblem Problem, string? ExecutablePath, string? Reason, IReadOnlyList<string> Warnings, bool NeedsShell)
{
    private const uint OwnerExecute = 0x40, GroupExecute = 0x8, OtherExecute = 0x1, AnyExecute = 0x49;
    private const uint GroupWrite = 0x10, OtherWrite = 0x2;

    public bool CanRun => Problem == ScriptProblem.None;

    /// <summary>
    /// Checks <paramref name="program"/> (argv[0] of a script command) for <paramref name="account"/>
    /// with keepalived's rules (notify.c check_script_secure): a bare name is searched in PATH;
    /// the file must exist and be executable for the account; and when it runs as root (uid or
    /// gid 0, or it is set-user-ID/set-group-ID root) the resolved path and every directory on
    /// it must be owned by root and writable by nobody else: no group write unless the group is
    /// root, no world write, except directories with the sticky bit (/tmp). With
    /// <paramref name="enableScriptSecurity"/> an unsafe script is refused, otherwise it runs
    /// with a warning.
    /// </summary>
    public static ScriptCheck Check(string program, ScriptAccount account, bool enableScriptSecurity)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        var warnings = new List<string>();
        string path = program;
        if (!program.Contains('/'))
        {
            string? found = SearchPath(program, account, out bool denied);
            if (found is null)
                return Fail(ScriptProblem.Missing, denied ? $"{program}: permission denied for every match in PATH" : $"{program}: not found in PATH");
            warnings.Add($"script `{program}` resolved by path search to `{found}`; please give the full path");
            path = found;
        }

        string? real = FileStatus.RealPath(path, out int errno);
        if (real is null)
            return Fail(ScriptProblem.Missing, $"{path}: {Errno.Describe(errno)}");
        errno = FileStatus.TryGet(real, followLinks: true, out FileStatus file);
        if (errno != 0)
            return Fail(ScriptProblem.Missing, $"{real}: {Errno.Describe(errno)}");
        if (file.Kind != FileKind.Regular)
            return Fail(ScriptProblem.NotExecutable, $"{real} is not a regular file");
        if (!IsExecutable(file, account))
            return Fail(ScriptProblem.NotExecutable, $"{real} is not executable for uid:gid {account.Uid}:{account.Gid}");

        bool runsAsRoot = account.Uid == 0 || account.Gid == 0
            || (file.Uid == 0 && (file.Mode & OwnerExecute) != 0 && (file.Mode & FileStatus.SetUserId) != 0)
            || (file.Gid == 0 && (file.Mode & GroupExecute) != 0 && (file.Mode & FileStatus.SetGroupId) != 0);
        if (runsAsRoot && FindUnsafe(real) is (bool wrongType, string why))
        {
            if (wrongType || enableScriptSecurity)
                return new ScriptCheck(ScriptProblem.Refused, real, why, warnings, false);
            warnings.Add($"unsafe permissions: {why}; it runs as root and any user who can change it could run commands as root (set enable_script_security to refuse it)");
        }
        if (ScriptAccount.CannotSwitchTo(account) is string cannot)
            return Fail(ScriptProblem.CannotSwitchUser, cannot);
        return new ScriptCheck(ScriptProblem.None, real, null, warnings, NeedsShellFor(real));

        ScriptCheck Fail(ScriptProblem problem, string reason) => new(problem, null, reason, warnings, false);
    }

    // keepalived's is_executable: root needs any execute bit; others the bit of their class.
    private static bool IsExecutable(FileStatus file, ScriptAccount account) =>
        (account.Uid == 0 && (file.Mode & AnyExecute) != 0)
        || (account.Uid == file.Uid && (file.Mode & OwnerExecute) != 0)
        || (account.Uid != file.Uid && ((account.Gid == file.Gid && (file.Mode & GroupExecute) != 0)
                                        || (account.Gid != file.Gid && (file.Mode & OtherExecute) != 0)));

    /// <summary>The first component of <paramref name="path"/> (from "/") that someone other than root could change, and why.</summary>
    private static (bool WrongType, string Why)? FindUnsafe(string path)
    {
        // realpath gave an absolute path without "//", "." or links: "/", "/a", "/a/b", ..., path.
        var prefixes = new List<string> { "/" };
        for (int i = 1; i < path.Length; i++)
        {
            if (path[i] == '/') prefixes.Add(path[..i]);
        }
        prefixes.Add(path);
        for (int i = 0; i < prefixes.Count; i++)
        {
            string prefix = prefixes[i];
            bool last = i == prefixes.Count - 1;
            int errno = FileStatus.TryGet(prefix, followLinks: false, out FileStatus entry);
            if (errno != 0)
                return (true, $"cannot check {prefix}: {Errno.Describe(errno)}");
            if (last ? entry.Kind is not (FileKind.Regular or FileKind.SymbolicLink) : entry.Kind != FileKind.Directory)
                return (true, $"{prefix} is not a {(last ? "regular file" : "directory")}");
            if (entry.Uid != 0)
                return (false, $"{prefix} is owned by uid {entry.Uid}, not root");
            bool writeChecked = entry.Kind == FileKind.Regular || (entry.Kind == FileKind.Directory && (entry.Mode & FileStatus.Sticky) == 0);
            if (writeChecked && (entry.Mode & OtherWrite) != 0)
                return (false, $"{prefix} is writable by everyone");
            if (writeChecked && entry.Gid != 0 && (entry.Mode & GroupWrite) != 0)
                return (false, $"{prefix} is writable by group {entry.Gid}");
        }
        return null;
    }

    /// <summary>The first executable regular file named <paramref name="name"/> in PATH (glibc's default PATH when unset).</summary>
    private static string? SearchPath(string name, ScriptAccount account, out bool denied)
    {
        denied = false;
        string pathList = Environment.GetEnvironmentVariable("PATH") ?? "/bin:/usr/bin";
        foreach (string directory in pathList.Split(':'))
        {
            string candidate = directory.Length == 0 ? name : directory.TrimEnd('/') + "/" + name;
            if (FileStatus.TryGet(candidate, followLinks: true, out FileStatus file) != 0)
                continue;
            if (file.Kind == FileKind.Regular && IsExecutable(file, account))
                return candidate;
            denied = true;
        }
        return null;
    }

    // keepalived execs the file directly; a file without "#!" fails with ENOEXEC there, and
    // keepalived built with libmagic runs such a file through system() instead.
    private static bool NeedsShellFor(string path)
    {
        Span<byte> head = stackalloc byte[4];
        try
        {
            using var handle = File.OpenHandle(path);
            int n = RandomAccess.Read(handle, head, 0);
            bool shebang = n >= 2 && head[0] == '#' && head[1] == '!';
            bool elf = n == 4 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
            return !shebang && !elf;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
