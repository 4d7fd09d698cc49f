using System.Text.RegularExpressions;
using Vrrp.Interop.Tests.Harness;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// The setting vrrpd was made for (ARCHITECTURE.md): the MAP-E gateway runs
/// examples/mape-gateway.conf (VRID 4, priority 245, preempt, garp_master_delay 5, a track
/// script with fall 3 / rise 2, notify with leading arguments), the other router is a VRRPv2
/// router with priority 240 and no authentication (the SEIL), master alone until the gateway
/// starts and preempts it. A host keeps pinging the
/// virtual address. The track script fails: the gateway goes to Fault and sends priority 0,
/// the router takes over, the host's ARP entry moves to its MAC. The script recovers: the
/// gateway preempts back, the ARP entry moves back, and 5 s later a second burst of
/// gratuitous ARPs follows. The notify scripts see every transition with keepalived's
/// arguments.
/// </summary>
public sealed partial class SettingTests
{
    // The example's paths and timings, replaced so the test is fast and self-contained:
    // the track script runs every second (the example: 10 s, timeout 5).
    private const int Interval = 1, Timeout = 1, Fall = 3, Rise = 2;

    [Theory]
    [MemberData(nameof(Pairs.WithKeepalived), MemberType = typeof(Pairs))]
    public void Gateway_fault_and_recovery(Impl gateway, Impl seil)
    {
        var row = new ResultRow { Scenario = "the setting: MAP-E gateway (track script, notify) and SEIL", Version = 2, Family = "IPv4", Mode = "multicast", First = gateway, Second = seil, FirstRole = "gateway", SecondRole = "SEIL" };
        using var lab = InteropLab.Create(row, [gateway, seil]);
        lab.Run(() =>
        {
            Peer gw = lab[0], router = lab[1];
            string failFlag = Path.Combine(gw.Directory, "uplink-down");
            string check = Script(gw, "check-egress.sh", $"[ ! -e {failFlag} ]");
            string gwNotify = Script(gw, "notify.sh", $"echo \"$@\" >> {gw.Directory}/notify.log");
            string routerNotify = Script(router, "notify.sh", $"echo \"$@\" >> {router.Directory}/notify.log");
            const string webhook = "https://chat.example.net/hooks/vrrp";

            var gwSpec = new InstanceSpec
            {
                Name = "mape", Version = 2, Priority = 245, AdvertSeconds = 1, GarpMasterDelay = 5, Vips = [$"{InteropLab.Vip}/24"],
                Track = new TrackScriptSpec("chk_mape_egress", check, Interval, Timeout, Fall, Rise), Notify = $"{gwNotify} {webhook} {router.Address}",
            };
            var routerSpec = new InstanceSpec { Name = "seil", Version = 2, Priority = 240, AdvertSeconds = 1, Vips = [$"{InteropLab.Vip}/24"], Notify = $"{routerNotify} {webhook} {gw.Address}" };

            // The router runs already (it is master alone) when the gateway starts and preempts it.
            TimeSpan slack = TimeSpan.FromSeconds(5);
            router.Start(routerSpec);
            lab.WaitForSingleMaster(router, Flows.ConvergeTimeout(routerSpec));
            gw.Start(gwSpec, GatewayConfiguration(check, $"{gwNotify} {webhook} {router.Address}"));
            lab.WaitForSingleMaster(gw, Flows.ConvergeTimeout(gwSpec));
            lab.WaitForState(router, PeerState.Backup, slack);
            lab.AssertVipOnlyOn(gw, InteropLab.Vip);
            lab.AssertHostReaches(InteropLab.Vip, gw);
            row.Outcome = "one master at every step; the host's ARP entry follows it";

            LabProcess ping = lab.Net.Start(lab.Host, "ping", "ping", $"-n -D -O -i 0.1 {InteropLab.Vip}");

            // The uplink fails: 3 failed checks, Fault, priority 0, the router takes over.
            File.WriteAllText(failFlag, "");
            DateTime failed = InteropLab.Mark();
            TimeSpan checks = TimeSpan.FromSeconds(Fall * Interval + Interval + Timeout);
            lab.WaitForState(gw, PeerState.Fault, checks + slack);
            lab.WaitForSingleMaster(router, slack);
            lab.AssertVipOnlyOn(router, InteropLab.Vip);
            string routerMac = router.VipMac, gwMac = gw.VipMac;
            TimeSpan moved = NetnsLab.WaitUntil(() => NetnsLab.Neighbour(lab.Host, InteropLab.Vip)?.Mac == routerMac, slack,
                () => $"the host's ARP entry to move to {routerMac}: {NetnsLab.Neighbour(lab.Host, InteropLab.Vip)}");
            lab.AssertHostReaches(InteropLab.Vip, router);

            // The uplink works again: 2 good checks, Backup, preemption after Master_Down_Interval.
            File.Delete(failFlag);
            DateTime recovered = InteropLab.Mark();
            TimeSpan down = Timing.MasterDown(2, 1, 245);
            lab.WaitForState(gw, PeerState.Backup, TimeSpan.FromSeconds(Rise * Interval + Interval + Timeout) + slack);
            lab.WaitForSingleMaster(gw, down + slack);
            lab.WaitForState(router, PeerState.Backup, slack);
            lab.AssertVipOnlyOn(gw, InteropLab.Vip);
            NetnsLab.WaitUntil(() => NetnsLab.Neighbour(lab.Host, InteropLab.Vip)?.Mac == gwMac, slack,
                () => $"the host's ARP entry to move back to {gwMac}: {NetnsLab.Neighbour(lab.Host, InteropLab.Vip)}");
            lab.AssertHostReaches(InteropLab.Vip, gw);

            // garp_master_delay 5: the second burst of gratuitous ARPs, 5 s after becoming master.
            Thread.Sleep(TimeSpan.FromSeconds(6));
            ping.Stop(TimeSpan.FromSeconds(5), "INT");

            DateTime stop = InteropLab.Mark();
            gw.Stop();
            lab.WaitForSingleMaster(router, slack);
            router.Stop();

            WireLog wire = lab.Wire();
            WireFrame zero = wire.FirstAdvert(gw.Address, failed, f => f.Priority == 0);
            row.Figures.Add($"script failing → Fault, priority 0 after {(zero.Time - failed).TotalSeconds:0.0} s (fall {Fall} × {Interval} s)");
            lab.AssertTakeover("gateway Fault", wire.PriorityZeroTakeover(gw.Address, router.Address, failed), Timing.Skew(2, 1, 240));
            row.Figures.Add($"host ARP entry at the SEIL's MAC {moved.TotalSeconds:0.0} s after it became master");
            WireFrame back = wire.FirstAdvert(gw.Address, recovered, f => f.Priority == 245);
            row.Figures.Add($"script recovering → master again after {(back.Time - recovered).TotalSeconds:0.0} s (rise {Rise} × {Interval} s + Master_Down_Interval {Timing.Ms(down)})");
            AssertGarpBursts(wire, gwMac, back.Time, row);
            AssertPing(ping, row);
            lab.AssertTakeover("gateway SIGTERM", wire.PriorityZeroTakeover(gw.Address, router.Address, stop), Timing.Skew(2, 1, 240));

            // keepalived's notify arguments, after the script's own: INSTANCE NAME STATE PRIORITY.
            AssertNotifications(gw, [webhook, router.Address], "mape", 245, ["BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER", "STOP"], row);
            AssertNotifications(router, [webhook, gw.Address], "seil", 240, ["BACKUP", "MASTER", "BACKUP", "MASTER", "BACKUP", "MASTER", "STOP"], row);
        });
    }

    /// <summary>examples/mape-gateway.conf with the test's script paths, timings and address.</summary>
    private static string GatewayConfiguration(string check, string notify)
    {
        string text = File.ReadAllText(Path.Combine(Repository.Root, "examples", "mape-gateway.conf"));
        string Replace(string text, string pattern, string replacement)
        {
            string result = Regex.Replace(text, pattern, replacement, RegexOptions.Multiline);
            Assert.False(result == text, $"examples/mape-gateway.conf no longer matches /{pattern}/: update the test");
            return result;
        }
        text = Replace(text, @"^(\s*)script "".*""", $"${{1}}script \"{check}\"");
        text = Replace(text, @"^(\s*)interval 10\b", $"${{1}}interval {Interval}");
        text = Replace(text, @"^(\s*)timeout 5\b", $"${{1}}timeout {Timeout}");
        text = Replace(text, @"^(\s*)notify "".*""", $"${{1}}notify \"{notify}\"");
        text = Replace(text, @"^(\s*)192\.168\.1\.4$", $"${{1}}{InteropLab.Vip}/24");
        return text;
    }

    private static string Script(Peer router, string name, string body)
    {
        string path = Path.Combine(router.Directory, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        NetnsLab.Run("chmod", $"755 {path}");
        return path;
    }

    /// <summary>A burst of gratuitous ARPs from the gateway when it became master, and another 5 s later (garp_master_delay 5).</summary>
    private static void AssertGarpBursts(WireLog wire, string mac, DateTime master, ResultRow row)
    {
        var garps = wire.Frames.Where(f => f.Kind == "garp" && f.SourceMac == mac && f.Time >= master.AddSeconds(-0.5)).ToList();
        Assert.True(garps.Any(f => f.Time < master.AddSeconds(1)), $"no gratuitous ARP from {mac} as it became master at {master:HH:mm:ss.fff}\n{wire.Tail()}");
        WireFrame? second = garps.FirstOrDefault(f => f.Time > master.AddSeconds(4));
        Assert.True(second is not null, $"no second burst of gratuitous ARPs from {mac} about 5 s after {master:HH:mm:ss.fff}\n{string.Join('\n', garps)}");
        TimeSpan delay = second.Time - master;
        Assert.InRange(delay.TotalSeconds, 4.5, 5.5);
        row.Figures.Add($"second GARP burst {delay.TotalSeconds:0.00} s after becoming master (garp_master_delay 5)");
    }

    /// <summary>Records how many of the host's pings went unanswered across the fault and the recovery.</summary>
    private static void AssertPing(LabProcess ping, ResultRow row)
    {
        string output = ping.Output;
        Match summary = SummaryLine().Match(output);
        Assert.True(summary.Success, $"no ping summary:\n{output}");
        int sent = int.Parse(summary.Groups["sent"].Value, System.Globalization.CultureInfo.InvariantCulture);
        int received = int.Parse(summary.Groups["received"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(received > 0 && sent > received / 2, output);
        row.Figures.Add($"host pings every 100 ms: {sent - received} of {sent} lost over fault and recovery");
    }

    private static void AssertNotifications(Peer router, string[] leading, string instance, int priority, string[] states, ResultRow row)
    {
        string file = Path.Combine(router.Directory, "notify.log");
        // Notify scripts run off the event loop: give the last one (STOP) a moment.
        NetnsLab.WaitUntil(() => File.Exists(file) && File.ReadAllLines(file).Length >= states.Length, TimeSpan.FromSeconds(5),
            () => $"{router}'s notify script to run {states.Length} times: {(File.Exists(file) ? File.ReadAllText(file) : "never ran")}");
        string[] lines = File.ReadAllLines(file);
        string[] expected = [.. states.Select(s => $"{string.Join(' ', leading)} INSTANCE {instance} {s} {priority}")];
        Assert.Equal(expected, lines);
        row.Figures.Add($"{router.Name} notify: {string.Join(" → ", states)}");
    }

    [GeneratedRegex(@"(?<sent>\d+) packets transmitted, (?<received>\d+) received")]
    private static partial Regex SummaryLine();
}
