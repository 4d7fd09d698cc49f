using System.Diagnostics;
using Vrrp.Interop.Tests.Harness;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// vrrp_track_process and track_file against keepalived 2.2.7 on one LAN: the tracking router
/// r1 (245) and its peer r2 (240), VRRPv3 at 1 s. A tracked process stopping (weight -10) or a
/// value written to a tracked file takes r1's priority below r2's, and r2 takes over; the
/// process back, or another value, and r1 preempts; a weight-0 process stopping, or a value
/// whose status reaches -254, puts r1 in FAULT and r2 takes over on its priority 0. Each step
/// is read off the wire: r1's advertised priority and the takeover time. keepalived tracks
/// files in a namespace too (and is run as the tracker for comparison); process events reach
/// only the initial network namespace, where keepalived does not look (it counts no process),
/// so only vrrpd tracks processes here.
/// </summary>
public sealed class TrackerTests
{
    private static InstanceSpec Spec(int priority) => new() { Name = "vi", Version = 3, Priority = priority, AdvertSeconds = 1, Vips = [$"{InteropLab.Vip}/24"] };

    // The instance of spec with tracker blocks before it and tracker lists inside it.
    private static string WithTrackers(Peer peer, InstanceSpec spec, string blocks, string lists)
    {
        string conf = spec.ToKeepalivedConf(peer.Name);
        int end = conf.LastIndexOf('}');
        return blocks + "\n" + conf[..end] + lists + "\n" + conf[end..];
    }

    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    public static TheoryData<Impl, Impl> ProcessPairs => new() { { Impl.Vrrpd, Impl.Keepalived } };

    [Theory]
    [MemberData(nameof(ProcessPairs))]
    public void Tracked_process_stops_and_the_peer_takes_over(Impl tracker, Impl peer)
    {
        var row = new ResultRow { Scenario = "track_process: priority and FAULT follow a process", Version = 3, Family = "IPv4", Mode = "multicast", First = tracker, Second = peer, FirstRole = "tracker", SecondRole = "peer" };
        using var lab = InteropLab.Create(row, [tracker, peer]);
        var programs = new List<Process>();
        lab.Run(() =>
        {
            try
            {
                Run(lab, row, programs);
            }
            finally
            {
                foreach (Process p in programs.Where(p => !p.HasExited))
                    p.Kill();
            }
        });
    }

    private static void Run(InteropLab lab, ResultRow row, List<Process> programs)
    {
        Peer r1 = lab[0], r2 = lab[1];
        string Program(char tag)
        {
            string name = $"trk{Environment.ProcessId % 100000}{tag}";
            File.Copy("/bin/sleep", Path.Combine(lab.Directory, name), overwrite: true);
            return name;
        }
        Process Start(string name)
        {
            Process p = Process.Start(Path.Combine(lab.Directory, name), "600");
            programs.Add(p);
            return p;
        }
        string prio = Program('p'), alive = Program('a');
        Process prioProcess = Start(prio), aliveProcess = Start(alive);
        InstanceSpec high = Spec(245), low = Spec(240);
        string blocks = $$"""
            global_defs {
                vrrpd_process_events_host_namespace
            }
            vrrp_track_process prio {
                process {{prio}}
            }
            vrrp_track_process alive {
                process {{alive}}
            }
            """;
        r2.Start(low);
        r1.Start(high, WithTrackers(r1, high, blocks, "    track_process {\n        prio weight -10\n        alive\n    }"));
        lab.WaitForSingleMaster(r1, Flows.ConvergeTimeout(low));
        lab.AssertVipOnlyOn(r1, InteropLab.Vip);

        // prio stops: r1 advertises 235, r2 (240, preempting) takes over.
        DateTime stopped = InteropLab.Mark();
        prioProcess.Kill();
        lab.WaitForSingleMaster(r2, Timing.MasterDown(3, 1, 240) + Slack);
        lab.AssertVipOnlyOn(r2, InteropLab.Vip);
        lab.AssertHostReaches(InteropLab.Vip, r2);

        // prio back: 245, r1 preempts.
        DateTime started = InteropLab.Mark();
        prioProcess = Start(prio);
        lab.WaitForSingleMaster(r1, Timing.MasterDown(3, 1, 245) + Slack);
        lab.AssertVipOnlyOn(r1, InteropLab.Vip);

        // alive (weight 0) stops: FAULT, priority 0, r2 at once.
        DateTime faulted = InteropLab.Mark();
        aliveProcess.Kill();
        lab.WaitForState(r1, PeerState.Fault, Slack);
        lab.WaitForSingleMaster(r2, Slack);
        lab.AssertVipOnlyOn(r2, InteropLab.Vip);

        DateTime recovered = InteropLab.Mark();
        Start(alive);
        lab.WaitForSingleMaster(r1, Timing.MasterDown(3, 1, 245) + Slack);
        lab.AssertHostReaches(InteropLab.Vip, r1);
        r1.Stop();
        lab.WaitForSingleMaster(r2, Slack);
        r2.Stop();

        WireLog wire = lab.Wire();
        WireFrame lowered = wire.FirstAdvert(r1.Address, stopped, f => f.Priority != 245);
        Assert.Equal(235, lowered.Priority);
        row.Figures.Add($"process stopped → r1 advertises 235 after {(lowered.Time - stopped).TotalSeconds:0.00} s");
        lab.AssertTakeover("r2 after r1 fell to 235", wire.FirstAdvert(r2.Address, lowered.Time).Time - lowered.Time, Timing.MasterDown(3, 1, 240) + TimeSpan.FromSeconds(1));
        WireFrame back = wire.FirstAdvert(r1.Address, started, f => f.Priority == 245);
        row.Figures.Add($"process started → r1 master again after {(back.Time - started).TotalSeconds:0.0} s");
        WireFrame zero = wire.FirstAdvert(r1.Address, faulted, f => f.Priority == 0);
        row.Figures.Add($"weight-0 process stopped → priority 0 after {(zero.Time - faulted).TotalSeconds:0.00} s");
        lab.AssertTakeover("r1 FAULT", wire.PriorityZeroTakeover(r1.Address, r2.Address, faulted), Timing.Skew(3, 1, 240));
        Assert.True(wire.FirstAdvert(r1.Address, recovered).Priority == 245);
        row.Outcome = "one master at every step; r1's advertised priority follows the process";
    }

    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Tracked_file_values_move_the_master(Impl tracker, Impl peer)
    {
        var row = new ResultRow { Scenario = "track_file: priority and FAULT follow a file", Version = 3, Family = "IPv4", Mode = "multicast", First = tracker, Second = peer, FirstRole = "tracker", SecondRole = "peer" };
        using var lab = InteropLab.Create(row, [tracker, peer]);
        lab.Run(() =>
        {
            Peer r1 = lab[0], r2 = lab[1];
            string file = Path.Combine(r1.Directory, "prio");
            InstanceSpec high = Spec(245), low = Spec(240);
            string blocks = $$"""
                track_file prio {
                    file {{file}}
                    weight 10
                    init_file 0 overwrite
                }
                """;
            r2.Start(low);
            r1.Start(high, WithTrackers(r1, high, blocks, "    track_file {\n        prio\n    }"));
            lab.WaitForSingleMaster(r1, Flows.ConvergeTimeout(low));

            DateTime lowered = InteropLab.Mark();
            File.WriteAllText(file, "-1\n");
            lab.WaitForSingleMaster(r2, Timing.MasterDown(3, 1, 240) + Slack);
            lab.AssertVipOnlyOn(r2, InteropLab.Vip);

            DateTime raised = InteropLab.Mark();
            File.WriteAllText(file, "1\n");
            lab.WaitForSingleMaster(r1, Timing.MasterDown(3, 1, 254) + Slack);
            lab.AssertVipOnlyOn(r1, InteropLab.Vip);

            DateTime faulted = InteropLab.Mark();
            File.WriteAllText(file, "-26\n");
            lab.WaitForState(r1, PeerState.Fault, Slack);
            lab.WaitForSingleMaster(r2, Slack);

            DateTime recovered = InteropLab.Mark();
            File.WriteAllText(file, "0\n");
            lab.WaitForSingleMaster(r1, Timing.MasterDown(3, 1, 245) + Slack);
            lab.AssertHostReaches(InteropLab.Vip, r1);
            r1.Stop();
            lab.WaitForSingleMaster(r2, Slack);
            r2.Stop();

            WireLog wire = lab.Wire();
            WireFrame at235 = wire.FirstAdvert(r1.Address, lowered, f => f.Priority != 245);
            Assert.Equal(235, at235.Priority);
            Assert.Equal(254, wire.FirstAdvert(r1.Address, raised, f => f.Priority != 235).Priority);
            WireFrame zero = wire.FirstAdvert(r1.Address, faulted, f => f.Priority == 0);
            lab.AssertTakeover("r1 FAULT", wire.PriorityZeroTakeover(r1.Address, r2.Address, faulted), Timing.Skew(3, 1, 240));
            Assert.Equal(245, wire.FirstAdvert(r1.Address, recovered, f => f.Priority != 0).Priority);
            row.Figures.Add($"-1 written → 235 advertised after {(at235.Time - lowered).TotalSeconds:0.00} s; -26 → priority 0 after {(zero.Time - faulted).TotalSeconds:0.00} s");
            row.Outcome = "one master at every step; r1's advertised priority follows the file (235, 254, FAULT, 245)";
        });
    }
}
