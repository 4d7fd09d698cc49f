using Vrrp.Keepalived;
using Vrrpd.Trackers;

namespace vrrpd.Tests.Trackers;

/// <summary>
/// The counting behind track_process (ka-behaviour.md 8.1) over a process table the test owns:
/// the scan, forks, execs, name changes and exits, quorum and quorum_max, fork and terminate
/// delays, the rescan after lost events, and the matching of names and command lines.
/// </summary>
public class ProcessCensusTests
{
    private sealed class Table : IProcessTable
    {
        public Dictionary<int, (string Name, string[] CommandLine, bool Zombie)> Processes { get; } = [];

        public void Run(int pid, string name, params string[] commandLine) => Processes[pid] = (name, commandLine, false);

        public IEnumerable<int> Pids() => Processes.Keys;
        public string? LiveName(int pid) => Processes.TryGetValue(pid, out var p) && !p.Zombie ? p.Name : null;
        public string? Name(int pid) => Processes.TryGetValue(pid, out var p) ? p.Name : null;
        public string[]? CommandLine(int pid) => Processes.TryGetValue(pid, out var p) ? (p.Zombie ? [] : p.CommandLine) : null;
    }

    private static TrackProcessConfig Process(string name, string process, uint quorum = 1, uint max = uint.MaxValue, double fork = 0, double terminate = 0) => new()
    {
        Name = name, Process = process, Quorum = quorum, QuorumMax = max,
        ForkDelay = TimeSpan.FromSeconds(fork), TerminateDelay = TimeSpan.FromSeconds(terminate),
    };

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void The_scan_counts_live_processes_by_name_and_leaves_zombies_out()
    {
        var table = new Table();
        table.Run(10, "nginx", "nginx: master process");
        table.Run(11, "nginx", "nginx: worker process");
        table.Processes[12] = ("nginx", [], true);
        table.Run(13, "sshd", "/usr/sbin/sshd", "-D");
        var census = new ProcessCensus([Process("web", "nginx", quorum: 2), Process("ssh", "sshd", quorum: 2)], table);
        var changes = new List<QuorumChange>();
        census.Scan(S(0), changes, initial: true);
        Assert.Empty(changes);
        Assert.Equal((2, true), (census.Count(0), census.HasQuorum(0)));
        Assert.Equal((1, false), (census.Count(1), census.HasQuorum(1)));
    }

    [Fact]
    public void Forks_and_exits_move_the_count_and_the_quorum_is_reported_at_its_edges()
    {
        var table = new Table();
        table.Run(10, "app", "app");
        var census = new ProcessCensus([Process("app", "app", quorum: 2, max: 3)], table);
        var changes = new List<QuorumChange>();
        census.Scan(S(0), changes, initial: true);
        Assert.False(census.HasQuorum(0));

        census.OnFork(11, 10, S(1), changes);            // 2: quorum gained
        census.OnFork(99, 50, S(1), changes);            // not a counted parent
        census.OnFork(12, 11, S(1), changes);            // 3: still
        Assert.Equal([new QuorumChange("app", true)], changes);
        census.OnFork(13, 10, S(1), changes);            // 4 > quorum_max: lost
        census.OnExit(13, S(2), changes);                // 3: gained again
        census.OnExit(12, S(2), changes);
        census.OnExit(11, S(2), changes);                // 1: lost
        census.OnExit(77, S(2), changes);                // never counted
        Assert.Equal([new("app", true), new("app", false), new("app", true), new("app", false)], changes);
        Assert.Equal(1, census.Count(0));
    }

    [Fact]
    public void Fork_and_terminate_delays_hold_a_change_back_and_a_return_cancels_it()
    {
        var table = new Table();
        table.Run(10, "app", "app");
        var census = new ProcessCensus([Process("app", "app", quorum: 1, fork: 2, terminate: 3)], table);
        var changes = new List<QuorumChange>();
        census.Scan(S(0), changes, initial: true);

        census.OnExit(10, S(10), changes);                // lost, reported at 13
        Assert.Equal(S(13), census.NextDue);
        census.RunDue(S(12.9), changes);
        Assert.Empty(changes);
        census.RunDue(S(13), changes);
        Assert.Equal([new QuorumChange("app", false)], changes);
        Assert.Equal(TimeSpan.MaxValue, census.NextDue);

        changes.Clear();
        table.Run(20, "app", "app");
        census.OnExec(20, S(20), changes);               // an exec is not a fork: at once
        Assert.Equal([new QuorumChange("app", true)], changes);

        changes.Clear();
        census.OnExit(20, S(30), changes);               // pending until 33...
        census.OnFork(21, 1, S(31), changes);            // (an uncounted parent)
        table.Run(22, "app", "app");
        census.OnExec(22, S(31), changes);               // ...the count is back: nothing to report
        census.RunDue(S(40), changes);
        Assert.Empty(changes);
        Assert.True(census.HasQuorum(0));
    }

    [Fact]
    public void A_fork_that_brings_the_quorum_waits_for_fork_delay()
    {
        var table = new Table();
        table.Run(10, "app", "app");
        var census = new ProcessCensus([Process("app", "app", quorum: 2, fork: 1.5)], table);
        var changes = new List<QuorumChange>();
        census.Scan(S(0), changes, initial: true);
        census.OnFork(11, 10, S(5), changes);
        Assert.Empty(changes);
        Assert.Equal(S(6.5), census.NextDue);
        census.RunDue(S(6.5), changes);
        Assert.Equal([new QuorumChange("app", true)], changes);
    }

    [Fact]
    public void Exec_and_name_changes_compare_again_and_an_exec_into_the_same_program_counts_once()
    {
        var table = new Table();
        table.Run(10, "app", "app");
        var census = new ProcessCensus([Process("app", "app"), Process("cmd", "/bin/app") with { FullCommand = true }], table);
        var changes = new List<QuorumChange>();
        census.Scan(S(0), changes, initial: true);
        Assert.Equal((1, 0), (census.Count(0), census.Count(1)));

        census.OnExec(10, S(1), changes);                // same program again
        Assert.Equal(1, census.Count(0));
        table.Run(10, "app", "/bin/app", "--serve");
        census.OnExec(10, S(1), changes);                // now its command line matches too
        Assert.Equal((1, 1), (census.Count(0), census.Count(1)));

        census.OnComm(10, "renamed", S(2), changes);     // the name counts for "app" only
        Assert.Equal((0, 1), (census.Count(0), census.Count(1)));
        census.OnComm(10, "app", S(3), changes);
        Assert.Equal((1, 1), (census.Count(0), census.Count(1)));
        Assert.Equal([new("cmd", true), new("app", false), new("app", true)], changes);
    }

    [Fact]
    public void A_rescan_after_lost_events_reports_what_changed()
    {
        var table = new Table();
        table.Run(10, "app", "app");
        var census = new ProcessCensus([Process("up", "new"), Process("down", "app", terminate: 1)], table);
        var changes = new List<QuorumChange>();
        census.Scan(S(0), changes, initial: true);
        table.Processes.Remove(10);
        table.Run(11, "new", "new");
        census.Scan(S(5), changes);
        Assert.Equal([new QuorumChange("up", true)], changes);   // gained at once
        census.RunDue(S(6), changes);
        Assert.Equal([new("up", true), new("down", false)], changes);   // lost after terminate_delay
    }

    [Fact]
    public void Quorum_max_0_is_up_while_nothing_runs_even_without_events()
    {
        var census = new ProcessCensus([Process("none", "app", quorum: 0, max: 0), Process("one", "app")], new Table());
        census.AssumeNoneRunning();
        Assert.Equal((true, false), (census.HasQuorum(0), census.HasQuorum(1)));
    }

    [Theory]
    [InlineData(ProcessParamMatch.Exact, new[] { "-c", "conf" }, new[] { "/bin/app", "-c", "conf" }, true)]
    [InlineData(ProcessParamMatch.Exact, new[] { "-c", "conf" }, new[] { "/bin/app", "-c", "conf", "-v" }, false)]
    [InlineData(ProcessParamMatch.Exact, new string[0], new[] { "/bin/app" }, true)]
    [InlineData(ProcessParamMatch.Exact, new string[0], new[] { "/bin/app", "-v" }, false)]
    [InlineData(ProcessParamMatch.Partial, new[] { "-c" }, new[] { "/bin/app", "-c", "conf" }, true)]
    [InlineData(ProcessParamMatch.Partial, new[] { "-c", "con" }, new[] { "/bin/app", "-c", "conf" }, false)]
    [InlineData(ProcessParamMatch.Initial, new[] { "-c", "con" }, new[] { "/bin/app", "-c", "conf", "-v" }, true)]
    [InlineData(ProcessParamMatch.Initial, new[] { "-x", "con" }, new[] { "/bin/app", "-c", "conf" }, false)]
    [InlineData(ProcessParamMatch.None, new string[0], new[] { "/bin/app", "anything" }, true)]
    [InlineData(ProcessParamMatch.Exact, new string[0], new[] { "app" }, false)]
    public void Command_lines_are_compared_as_param_match_says(ProcessParamMatch match, string[] parameters, string[] commandLine, bool matches)
    {
        var matcher = new ProcessMatcher(new TrackProcessConfig
        {
            Name = "p", Process = "/bin/app", FullCommand = true, ParamMatch = match, Parameters = parameters.ToEquatableArray(),
        });
        Assert.Equal(matches, matcher.Matches("app", commandLine));
    }

    [Fact]
    public void A_name_is_compared_whole_so_one_longer_than_the_kernel_keeps_never_matches()
    {
        var matcher = new ProcessMatcher(Process("p", "a-very-long-process-name"));
        Assert.False(matcher.Matches("a-very-long-pro", ["a-very-long-process-name"])); // comm holds 15 bytes
        Assert.True(new ProcessMatcher(Process("p", "sleep")).Matches("sleep", null));
    }
}
