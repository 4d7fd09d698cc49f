using System.Runtime.Versioning;
using Vrrp.Linux;
using Vrrp.Keepalived;
using Vrrpd.Scripts;

namespace vrrpd.Tests.Scripts;

/// <summary>keepalived's script security rules (notify.c check_script_secure), on real files.</summary>
[SupportedOSPlatform("linux")]
public sealed class ScriptSecurityTests : IDisposable
{
    private static readonly ScriptAccount Root = ScriptTestKit.Root;
    private static readonly ScriptAccount Nobody = ScriptTestKit.Nobody;
    private readonly ScriptTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private string Dir(string name, int mode, uint? owner = null)
    {
        string path = _kit.PathOf(name);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        if (owner is uint uid) Chown(path, uid, uid);
        return path;
    }

    private static void Chown(string path, uint uid, uint gid)
    {
        using var process = System.Diagnostics.Process.Start("chown", $"{uid}:{gid} {path}");
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    private string Script(string path, int mode = 0x1ED)
    {
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    [Fact]
    public void RootOwnedScriptInRootOwnedDirectoriesRuns()
    {
        ScriptCheck check = ScriptCheck.Check(Script(_kit.PathOf("ok.sh")), Root, enableScriptSecurity: true);
        Assert.True(check.CanRun, check.Reason);
        Assert.Empty(check.Warnings);
        Assert.False(check.NeedsShell);
    }

    [Theory]
    [InlineData(0x1FF, "is writable by everyone")]     // 0777
    [InlineData(0x1EF, "is writable by everyone")]     // 0757
    public void WorldWritableScriptIsRefused(int mode, string why)
    {
        string path = Script(_kit.PathOf("open.sh"), mode);
        ScriptCheck check = ScriptCheck.Check(path, Root, true);
        Assert.Equal(ScriptProblem.Refused, check.Problem);
        Assert.Equal($"{path} {why}", check.Reason);
    }

    [Fact]
    public void GroupWritableIsRefusedUnlessTheGroupIsRoot()
    {
        string path = Script(_kit.PathOf("group.sh"), 0x1FD);   // 0775
        Assert.True(ScriptCheck.Check(path, Root, true).CanRun);
        Chown(path, 0, 65534);
        ScriptCheck check = ScriptCheck.Check(path, Root, true);
        Assert.Equal(ScriptProblem.Refused, check.Problem);
        Assert.Equal($"{path} is writable by group 65534", check.Reason);
    }

    [Fact]
    public void ScriptOwnedByAnotherUserIsRefused()
    {
        string path = Script(_kit.PathOf("theirs.sh"));
        Chown(path, 65534, 0);
        Assert.Equal($"{path} is owned by uid 65534, not root", ScriptCheck.Check(path, Root, true).Reason);
    }

    [Fact]
    public void WritableParentDirectoryIsRefusedUnlessSticky()
    {
        string dir = Dir("shared", 0x1FF);   // 0777
        string path = Script(Path.Combine(dir, "x.sh"));
        ScriptCheck check = ScriptCheck.Check(path, Root, true);
        Assert.Equal(ScriptProblem.Refused, check.Problem);
        Assert.Equal($"{dir} is writable by everyone", check.Reason);

        File.SetUnixFileMode(dir, (UnixFileMode)0x3FF);   // 01777, like /tmp
        Assert.True(ScriptCheck.Check(path, Root, true).CanRun);
    }

    [Fact]
    public void ParentDirectoryOwnedByAnotherUserIsRefused()
    {
        string dir = Dir("home", 0x1ED, owner: 65534);
        string path = Script(Path.Combine(dir, "x.sh"));
        Assert.Equal($"{dir} is owned by uid 65534, not root", ScriptCheck.Check(path, Root, true).Reason);
    }

    [Fact]
    public void LinksAreResolvedAndTheRealPathIsChecked()
    {
        string unsafeDir = Dir("unsafe", 0x1FF);
        string target = Script(Path.Combine(unsafeDir, "real.sh"));
        string link = _kit.PathOf("link.sh");
        File.CreateSymbolicLink(link, target);
        ScriptCheck check = ScriptCheck.Check(link, Root, true);
        Assert.Equal($"{unsafeDir} is writable by everyone", check.Reason);

        string safeDir = Dir("safe", 0x1ED);
        string safe = Script(Path.Combine(safeDir, "real.sh"));
        string dirLink = _kit.PathOf("via");
        Directory.CreateSymbolicLink(dirLink, safeDir);
        check = ScriptCheck.Check(Path.Combine(dirLink, "real.sh"), Root, true);
        Assert.True(check.CanRun, check.Reason);
        Assert.Equal(safe, check.ExecutablePath);
    }

    [Fact]
    public void WithoutScriptSecurityUnsafeScriptsRunWithAWarning()
    {
        string path = Script(_kit.PathOf("open.sh"), 0x1FF);
        ScriptCheck check = ScriptCheck.Check(path, Root, enableScriptSecurity: false);
        Assert.True(check.CanRun);
        Assert.StartsWith($"unsafe permissions: {path} is writable by everyone", Assert.Single(check.Warnings));
    }

    [Fact]
    public void ScriptsRunByOtherUsersAreNotPathChecked()
    {
        // keepalived protects only what runs as root: nobody may run a world-writable script.
        string path = Script(_kit.PathOf("open.sh"), 0x1FF);
        Assert.True(ScriptCheck.Check(path, Nobody, true).CanRun);

        // ...unless the file is set-user-ID root.
        File.SetUnixFileMode(path, (UnixFileMode)0x9FF);
        Assert.Equal(ScriptProblem.Refused, ScriptCheck.Check(path, Nobody, true).Problem);
    }

    [Fact]
    public void ExecutableBitsAreCheckedForTheUser()
    {
        string path = Script(_kit.PathOf("root-only.sh"), 0x1E8);   // 0750
        Assert.True(ScriptCheck.Check(path, Root, true).CanRun);
        ScriptCheck check = ScriptCheck.Check(path, Nobody, true);
        Assert.Equal(ScriptProblem.NotExecutable, check.Problem);
        Assert.Equal($"{path} is not executable for uid:gid 65534:65534", check.Reason);
        Assert.Equal(ScriptProblem.NotExecutable, ScriptCheck.Check(_kit.Dir, Root, true).Problem);
    }

    [Fact]
    public void MissingScriptsAndPathSearch()
    {
        ScriptCheck missing = ScriptCheck.Check(_kit.PathOf("none.sh"), Root, true);
        Assert.Equal(ScriptProblem.Missing, missing.Problem);
        Assert.Equal($"{_kit.PathOf("none.sh")}: No such file or directory (ENOENT)", missing.Reason);

        ScriptCheck found = ScriptCheck.Check("true", Root, true);
        Assert.True(found.CanRun, found.Reason);
        Assert.Equal("/usr/bin/true", found.ExecutablePath);
        Assert.Contains(found.Warnings, w => w.StartsWith("script `true` resolved by path search to `", StringComparison.Ordinal));
        Assert.Equal("no-such-command-vrrpd: not found in PATH", ScriptCheck.Check("no-such-command-vrrpd", Root, true).Reason);
    }

    [Fact]
    public void ChangingUserNeedsSetuidSetgidAndKill()
    {
        Assert.Equal("", ScriptAccount.MissingCapabilities("Name:\tvrrpd\nCapEff:\t000001ffffffffff\n"));
        // A unit granting only CAP_NET_ADMIN (12) and CAP_NET_RAW (13).
        Assert.Equal("CAP_SETUID, CAP_SETGID, CAP_KILL", ScriptAccount.MissingCapabilities("CapInh:\t0000000000000000\nCapEff:\t0000000000003000\n"));
        Assert.Equal("CAP_KILL", ScriptAccount.MissingCapabilities("CapEff:\t00000000000030c0\n"));
        // This test process runs as root with every capability: nobody is reachable.
        Assert.Null(ScriptAccount.CannotSwitchTo(Nobody));
        Assert.True(ScriptCheck.Check(Script(_kit.PathOf("ok.sh")), Nobody, true).CanRun);
    }

    [Fact]
    public void AccountsFollowKeepalived()
    {
        var command = ScriptTestKit.Command("/bin/true");
        Assert.True(ScriptAccount.TryResolve(command, new GlobalDefs { ScriptUser = "nobody" }, out ScriptAccount account, out _));
        Assert.Equal(Nobody, account);
        Assert.True(ScriptAccount.TryResolve(command with { User = "root" }, new GlobalDefs { ScriptUser = "nobody" }, out account, out _));
        Assert.Equal(Root, account);
        Assert.True(ScriptAccount.TryResolve(command, new GlobalDefs { ScriptUser = "nobody", ScriptGroup = "root" }, out account, out _));
        Assert.Equal(new ScriptAccount("nobody", 65534, 0), account);
        Assert.True(ScriptAccount.TryResolve(command with { User = "nobody", Group = "root" }, new GlobalDefs(), out account, out _));
        Assert.Equal(new ScriptAccount("nobody", 65534, 0), account);

        Assert.False(ScriptAccount.TryResolve(command, new GlobalDefs { ScriptUser = "no-such-user-vrrpd" }, out _, out string? error));
        Assert.Equal("script user 'no-such-user-vrrpd' does not exist", error);
        Assert.False(ScriptAccount.TryResolve(command with { User = "root", Group = "no-such-group-vrrpd" }, new GlobalDefs(), out _, out error));
        Assert.Equal("script group 'no-such-group-vrrpd' does not exist", error);

        // No script_user: keepalived_script if it exists, else the daemon's own user; with
        // enable_script_security and no keepalived_script the script has no user at all.
        if (!UserDatabase.TryGetUser(ScriptAccount.DefaultUser, out _, out _))
        {
            Assert.True(ScriptAccount.TryResolve(command, new GlobalDefs(), out account, out _));
            Assert.Equal((UserDatabase.EffectiveUserId, UserDatabase.EffectiveGroupId), (account.Uid, account.Gid));
            Assert.False(ScriptAccount.TryResolve(command, new GlobalDefs { EnableScriptSecurity = true }, out _, out error));
            Assert.Contains("keepalived_script does not exist", error);
        }
    }
}
