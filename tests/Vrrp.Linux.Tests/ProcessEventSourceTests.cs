using System.Collections;
using System.ComponentModel;
using System.Diagnostics;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The process events connector and /proc, with processes started and stopped by the test: the
/// fork, exec, name change and exit of each are seen, also from a network namespace other than
/// the initial one, and a receive buffer too small for a burst of events reports the overrun.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessEventSourceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

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

    /// <summary>Reads events through an epoll until <paramref name="until"/> is seen or the time is up; returns all read.</summary>
    private static List<ProcessEvent> ReadUntil(ProcessEventSource source, Func<ProcessEvent, bool> until, TimeSpan timeout)
    {
        using var epoll = new Epoll();
        epoll.Add(source.Handle, 1);
        var seen = new List<ProcessEvent>();
        Span<EpollEvent> ready = stackalloc EpollEvent[1];
        var events = new ProcessEvent[64];
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < timeout;)
        {
            if (epoll.Wait(ready, 100) == 0) continue;
            int n = source.Read(events, out _);
            seen.AddRange(events.AsSpan(0, n));
            if (events.AsSpan(0, n).ToArray().Any(until)) return seen;
        }
        return seen;
    }

    [Fact]
    public void Fork_exec_and_exit_of_a_started_process_are_seen()
    {
        using ProcessEventSource source = ProcessEventSource.Open();
        Assert.Null(source.BorrowedNamespace);
        using ChildProcess child = Start("/bin/sleep", "30");
        List<ProcessEvent> started = ReadUntil(source, e => e.Kind == ProcessEventKind.Exec && e.Pid == child.Id, Wait);
        Assert.Contains(new ProcessEvent(ProcessEventKind.Fork, child.Id, Environment.ProcessId), started);
        Assert.Contains(new ProcessEvent(ProcessEventKind.Exec, child.Id), started);
        Assert.Equal("sleep", ProcFs.LiveName(child.Id));
        Assert.Equal(["/bin/sleep", "30"], ProcFs.CommandLine(child.Id)!);
        Assert.Contains(child.Id, ProcFs.Pids());

        child.SignalGroup(ProcessGroup.SIGTERM);
        List<ProcessEvent> ended = ReadUntil(source, e => e.Kind == ProcessEventKind.Exit && e.Pid == child.Id, Wait);
        Assert.Contains(new ProcessEvent(ProcessEventKind.Exit, child.Id), ended);
        // Not reaped yet: a zombie, which keepalived does not count.
        Assert.Null(ProcFs.LiveName(child.Id));
        Assert.Equal([], ProcFs.CommandLine(child.Id)!);
        child.Reap();
        Assert.Null(ProcFs.CommandLine(child.Id));
    }

    [Fact]
    public void A_name_change_is_seen_with_the_new_name()
    {
        using ProcessEventSource source = ProcessEventSource.Open();
        using ChildProcess child = Start("/bin/sh", "-c", "printf renamed-proc > /proc/self/comm; exec /bin/sleep 30");
        List<ProcessEvent> events = ReadUntil(source, e => e.Kind == ProcessEventKind.Comm && e.Pid == child.Id, Wait);
        Assert.Contains(new ProcessEvent(ProcessEventKind.Comm, child.Id, Comm: "renamed-proc"), events);
        child.SignalGroup(ProcessGroup.SIGKILL);
        child.Reap();
    }

    [Fact]
    public void From_another_network_namespace_the_socket_is_made_in_one_that_has_the_connector()
    {
        using var lab = new NetnsLab();
        string ns = lab.AddNamespace("trk");
        var refused = Assert.Throws<Win32Exception>(() => NetworkNamespace.Run(ns, () => ProcessEventSource.Open(borrowNamespace: false)));
        Assert.Equal(111, refused.NativeErrorCode); // ECONNREFUSED, what keepalived gets there

        using ProcessEventSource source = NetworkNamespace.Run(ns, () => ProcessEventSource.Open(borrowNamespace: true));
        Assert.NotNull(source.BorrowedNamespace);
        using ChildProcess child = Start("/bin/true");
        List<ProcessEvent> events = ReadUntil(source, e => e.Kind == ProcessEventKind.Exit && e.Pid == child.Id, Wait);
        Assert.Contains(new ProcessEvent(ProcessEventKind.Exit, child.Id), events);
        child.Reap();
    }

    [Fact]
    public void A_burst_larger_than_the_receive_buffer_reports_an_overrun_and_reading_goes_on()
    {
        using ProcessEventSource source = ProcessEventSource.Open(receiveBufferBytes: 1);
        using (ChildProcess burst = Start("/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do /bin/true; done"))
            Assert.True(burst.WaitForExit(Wait));
        var events = new ProcessEvent[64];
        bool overrun = false;
        for (int i = 0; i < 100 && !overrun; i++)
            source.Read(events, out overrun);
        Assert.True(overrun);
        Assert.True(source.Overruns >= 1);

        using ChildProcess after = Start("/bin/true");
        Assert.Contains(new ProcessEvent(ProcessEventKind.Exit, after.Id), ReadUntil(source, e => e.Kind == ProcessEventKind.Exit && e.Pid == after.Id, Wait));
        after.Reap();
    }

    [Fact]
    public void Thread_events_and_foreign_datagrams_are_not_process_events()
    {
        // fork of a thread: child_pid (tid) differs from child_tgid.
        byte[] datagram = new byte[36 + 16 + 16];
        BitConverter.TryWriteBytes(datagram.AsSpan(4), (ushort)3);
        BitConverter.TryWriteBytes(datagram.AsSpan(16), 1u);
        BitConverter.TryWriteBytes(datagram.AsSpan(20), 1u);
        BitConverter.TryWriteBytes(datagram.AsSpan(36), 1u);
        int[] fields = [10, 10, 11, 10];
        for (int i = 0; i < 4; i++) BitConverter.TryWriteBytes(datagram.AsSpan(52 + 4 * i), fields[i]);
        Assert.False(ProcessEventSource.TryParse(datagram, out _));
        BitConverter.TryWriteBytes(datagram.AsSpan(64), 11);
        Assert.True(ProcessEventSource.TryParse(datagram, out ProcessEvent fork));
        Assert.Equal(new ProcessEvent(ProcessEventKind.Fork, 11, 10), fork);
        BitConverter.TryWriteBytes(datagram.AsSpan(16), 7u); // another connector
        Assert.False(ProcessEventSource.TryParse(datagram, out _));
    }
}
