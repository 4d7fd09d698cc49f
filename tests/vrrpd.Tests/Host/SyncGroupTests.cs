using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// vrrp_sync_group end to end: two instances that move together on two vrrpd processes. A
/// failed track_interface of one member takes the whole group to FAULT on that router (as
/// keepalived does), so the peer becomes Master of both, and the group notify script runs.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class SyncGroupTests
{
    private static string Config(int priority, string notifyLog) => $$"""
        vrrp_sync_group edge {
            group {
                lan
                uplink
            }
            notify "/bin/sh -c 'echo $0 $1 $2 >> {{notifyLog}}'"
        }
        vrrp_instance lan {
            state BACKUP
            interface eth0
            virtual_router_id 4
            priority {{priority}}
            version 3
            advert_int 0.1
            track_interface {
                watched
            }
            virtual_ipaddress {
                10.9.0.100/24
            }
        }
        vrrp_instance uplink {
            state BACKUP
            interface eth0
            virtual_router_id 5
            priority {{priority}}
            version 3
            advert_int 0.1
            virtual_ipaddress {
                10.9.0.101/24
            }
        }
        """;

    [Fact]
    public void One_member_failing_takes_the_group_to_fault_and_the_peer_takes_both()
    {
        using var lab = new DaemonLab(2);
        foreach (string ns in lab.Members)
        {
            NetnsLab.Ip($"-n {ns} link add watched type veth peer name watched-peer");
            NetnsLab.Ip($"-n {ns} link set watched up");
            NetnsLab.Ip($"-n {ns} link set watched-peer up");
        }
        string r1Notify = Path.Combine(lab.Directory, "r1.notify");
        VrrpdProcess r1 = lab.Start(1, Config(245, r1Notify));
        VrrpdProcess r2 = lab.Start(2, Config(240, Path.Combine(lab.Directory, "r2.notify")));
        TimeSpan settle = TimeSpan.FromSeconds(10);
        foreach (string instance in new[] { "lan", "uplink" })
        {
            Assert.True(r1.WaitForState("MASTER", settle, instance), r1.Output);
            Assert.True(r2.WaitForState("BACKUP", settle, instance), r2.Output);
        }
        Assert.Equal([1], lab.Holders("10.9.0.101/24"));

        // Only "lan" tracks the veth "watched"; "uplink" follows it into FAULT because they are one group.
        NetnsLab.Ip($"-n {lab.Members[0]} link set watched down");
        Assert.True(r1.WaitForState("FAULT", TimeSpan.FromSeconds(3), "lan"), r1.Output);
        Assert.True(r1.WaitForState("FAULT", TimeSpan.FromSeconds(3), "uplink"), r1.Output);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(3), "lan"), r2.Output);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(3), "uplink"), r2.Output);
        Assert.Equal([2], lab.Holders("10.9.0.100/24"));
        Assert.Equal([2], lab.Holders("10.9.0.101/24"));

        // Back up: the group leaves FAULT together and preempts both back.
        NetnsLab.Ip($"-n {lab.Members[0]} link set watched up");
        foreach (string instance in new[] { "lan", "uplink" })
            Assert.True(r1.WaitForState("MASTER", settle, instance), r1.Output);
        Assert.Equal([1], lab.Holders("10.9.0.101/24"));

        // keepalived's group notify arguments: GROUP, the group's name, its state.
        NetnsLab.WaitUntil(() => File.Exists(r1Notify) && File.ReadAllText(r1Notify).Contains("GROUP edge FAULT", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), () => $"the group's FAULT notification; got: {(File.Exists(r1Notify) ? File.ReadAllText(r1Notify) : "nothing")}");
        string[] groupLines = [.. File.ReadAllLines(r1Notify).Where(l => l.StartsWith("GROUP ", StringComparison.Ordinal))];
        int fault = Array.IndexOf(groupLines, "GROUP edge FAULT");
        Assert.True(fault > 0 && groupLines[..fault].Contains("GROUP edge MASTER"), string.Join(" | ", groupLines));
        NetnsLab.WaitUntil(() => File.ReadAllLines(r1Notify).Where(l => l.StartsWith("GROUP ", StringComparison.Ordinal)).Skip(fault + 1).Contains("GROUP edge MASTER"),
            TimeSpan.FromSeconds(5), () => $"the group's MASTER notification after the fault; got: {File.ReadAllText(r1Notify)}");

        // The group's log lines as keepalived writes them, so a grep for keepalived's text finds ours.
        foreach (string state in new[] { "MASTER", "FAULT", "BACKUP" })
            Assert.Contains(r1.Lines, l => l.Contains($"VRRP_Group(edge) Syncing instances to {state} state", StringComparison.Ordinal));
    }
}
