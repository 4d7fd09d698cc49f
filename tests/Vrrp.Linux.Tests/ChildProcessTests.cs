using System.Collections;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ChildProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vrrp-child-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> Env()
    {
        var list = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) list.Add($"{e.Key}={e.Value}");
        return list;
    }

    private static ChildProcess Start(params string[] argv)
    {
        Assert.Equal(0, ChildProcess.TryStart(argv[0], argv, Env(), out ChildProcess? child));
        return child!;
    }

    /// <summary>pgrp of a live process, from /proc/PID/stat (field 5, after the command name).</summary>
    private static int ProcessGroupOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[2]);
    }

    private static ulong SignalMask(int pid, string field)
    {
        string line = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return Convert.ToUInt64(line[(field.Length + 1)..].Trim(), 16);
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void ExitStatusIsCollected()
    {
        using ChildProcess child = Start("/bin/sh", "-c", "exit 3");
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Equal(new ChildExit(3, 0), child.Reap());
        Assert.Equal(new ChildExit(3, 0), child.Exit);
        Assert.False(Directory.Exists($"/proc/{child.Id}"));
    }

    [Fact]
    public void ArgumentsAndEnvironmentArePassedVerbatim()
    {
        string output = Path.Combine(_dir, "out");
        string[] argv = ["/bin/sh", "-c", "printf '%s|' \"$0\" \"$1\" \"$VRRP_TEST\" > \"$2\"", "zero", "a b 'c'", output];
        Assert.Equal(0, ChildProcess.TryStart("/bin/sh", argv, ["VRRP_TEST=x=y ü"], out ChildProcess? child));
        using (child)
            Assert.Equal(0, child!.Reap().ExitCode);
        Assert.Equal("zero|a b 'c'|x=y ü|", File.ReadAllText(output));
    }

    [Fact]
    public void ChildLeadsItsOwnProcessGroupWithDefaultSignalsAndOnlyDevNull()
    {
        using ChildProcess child = Start("/bin/sleep", "30");
        Assert.Equal(child.Id, ProcessGroupOf(child.Id));
        Assert.NotEqual(ProcessGroupOf(Environment.ProcessId), child.Id);

        // .NET ignores SIGPIPE in this process; the script must not inherit that. (glibc's
        // posix_spawn leaves its two internal real-time signals, 32 and 33, ignored.)
        Assert.NotEqual(0UL, SignalMask(Environment.ProcessId, "SigIgn") & (1UL << (13 - 1)));
        Assert.Equal(0UL, SignalMask(child.Id, "SigIgn") & 0x7FFF_FFFFUL);
        Assert.Equal(0UL, SignalMask(child.Id, "SigBlk"));

        string[] fds = Directory.GetFileSystemEntries($"/proc/{child.Id}/fd");
        Assert.Equal(3, fds.Length);
        foreach (string fd in fds)
            Assert.Equal("/dev/null", new FileInfo(fd).LinkTarget);

        Assert.True(child.SignalGroup(ProcessGroup.SIGTERM));
        Assert.Equal(new ChildExit(-1, 15), child.Reap());
        Assert.False(child.SignalGroup(ProcessGroup.SIGKILL));
    }

    [Fact]
    public void SignalGroupReachesGrandchildren()
    {
        using ChildProcess child = Start("/bin/sh", "-c", "sleep 60 & sleep 60 & wait");
        WaitUntil(() => ProcessTable.GroupMembers(child.Id).Count == 3, "the shell and its two sleeps");
        Assert.False(child.WaitForExit(TimeSpan.FromMilliseconds(100)));
        Assert.True(child.SignalGroup(ProcessGroup.SIGKILL));
        Assert.Equal(9, child.Reap().Signal);
        WaitUntil(() => ProcessTable.GroupMembers(child.Id).Count == 0, "the group to be gone");
    }

    [Fact]
    public void DisposeKillsAndReapsARunningChild()
    {
        ChildProcess child = Start("/bin/sleep", "60");
        int pid = child.Id;
        child.Dispose();
        Assert.Equal(9, child.Exit!.Value.Signal);
        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    [Fact]
    public void ExecFailuresComeBackAsErrno()
    {
        Assert.Equal(Errno.ENOENT, ChildProcess.TryStart(Path.Combine(_dir, "missing"), ["missing"], [], out ChildProcess? child));
        Assert.Null(child);

        string noShebang = Path.Combine(_dir, "plain");
        File.WriteAllText(noShebang, "exit 0\n");
        File.SetUnixFileMode(noShebang, (UnixFileMode)0x1ED);
        Assert.Equal(8 /* ENOEXEC */, ChildProcess.TryStart(noShebang, [noShebang], [], out child));

        string notExecutable = Path.Combine(_dir, "data");
        File.WriteAllText(notExecutable, "#!/bin/sh\n");
        File.SetUnixFileMode(notExecutable, (UnixFileMode)0x1A4);
        Assert.Equal(Errno.EACCES, ChildProcess.TryStart(notExecutable, [notExecutable], [], out child));
    }

    [Fact]
    public void WaitForExitTimesOut()
    {
        using ChildProcess child = Start("/bin/sleep", "30");
        long start = Environment.TickCount64;
        Assert.False(child.WaitForExit(TimeSpan.FromMilliseconds(200)));
        Assert.InRange(Environment.TickCount64 - start, 150, 5000);
        Assert.Null(child.Exit);
    }

    [Fact]
    public void FileStatusReadsOwnerModeAndKind()
    {
        string file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "");
        File.SetUnixFileMode(file, (UnixFileMode)0x9F4 /* 04764 */);
        Assert.Equal(0, FileStatus.TryGet(file, followLinks: false, out FileStatus status));
        Assert.Equal(new FileStatus(FileKind.Regular, 0x9F4, UserDatabase.EffectiveUserId, UserDatabase.EffectiveGroupId), status);

        string link = Path.Combine(_dir, "l");
        File.CreateSymbolicLink(link, file);
        Assert.Equal(0, FileStatus.TryGet(link, followLinks: false, out status));
        Assert.Equal(FileKind.SymbolicLink, status.Kind);
        Assert.Equal(0, FileStatus.TryGet(link, followLinks: true, out status));
        Assert.Equal(FileKind.Regular, status.Kind);
        Assert.Equal(0, FileStatus.TryGet(_dir, followLinks: true, out status));
        Assert.Equal(FileKind.Directory, status.Kind);

        Assert.Equal(file, FileStatus.RealPath(Path.Combine(_dir, ".", "l"), out int errno));
        Assert.Equal(0, errno);
        Assert.Null(FileStatus.RealPath(Path.Combine(_dir, "none"), out errno));
        Assert.Equal(Errno.ENOENT, errno);
        Assert.Equal(Errno.ENOENT, FileStatus.TryGet(Path.Combine(_dir, "none"), true, out _));
    }

    [Fact]
    public void UsersAndGroupsResolve()
    {
        Assert.True(UserDatabase.TryGetUser("root", out uint uid, out uint gid));
        Assert.Equal((0u, 0u), (uid, gid));
        Assert.True(UserDatabase.TryGetUser("nobody", out uid, out _));
        Assert.Equal(65534u, uid);
        Assert.False(UserDatabase.TryGetUser("no-such-user-vrrp", out _, out _));
        Assert.True(UserDatabase.TryGetGroup("root", out gid));
        Assert.Equal(0u, gid);
        Assert.False(UserDatabase.TryGetGroup("no-such-group-vrrp", out _));
    }

    [Fact]
    public void FifoWriterCreatesWritesAndRemoves()
    {
        string path = Path.Combine(_dir, "fifo");
        using (FifoWriter writer = FifoWriter.Open(path, owner: 65534, group: 65534))
        {
            Assert.True(writer.Created);
            Assert.Equal(0, FileStatus.TryGet(path, false, out FileStatus status));
            Assert.Equal((FileKind.Other, 65534u, 65534u), (status.Kind, status.Uid, status.Gid));

            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read);
            Assert.Equal(0, writer.TryWrite("INSTANCE \"a\" MASTER 100\n"u8));
            var buffer = new byte[100];
            int n = reader.Read(buffer);
            Assert.Equal("INSTANCE \"a\" MASTER 100\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));

            // Nobody reads: the pipe fills up and the write fails instead of blocking.
            int errno = 0;
            for (int i = 0; i < 10_000 && errno == 0; i++) errno = writer.TryWrite(new byte[1024]);
            Assert.Equal(Errno.EAGAIN, errno);
        }
        Assert.False(File.Exists(path));

        // An existing FIFO is used and left in place.
        using (FifoWriter.Open(path)) { }
        Assert.False(File.Exists(path));
        File.WriteAllText(path, "");
        Assert.Throws<IOException>(() => FifoWriter.Open(path));
    }
}
