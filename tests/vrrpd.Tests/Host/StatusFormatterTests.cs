using System.Text.Json;
using Vrrp.Linux.Hosting;
using Vrrpd.Control;

namespace vrrpd.Tests.Host;

public sealed class StatusFormatterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static StatusSnapshot Snapshot() => new(4242, "/etc/keepalived/keepalived.conf", new HostStatus(
        Start, Start.AddSeconds(90), 1, Start.AddSeconds(60),
        [
            new InstanceStatus
            {
                Name = "mape", Interface = "eth0", Vrid = 4, Version = 2, Family = "IPv4", Priority = 245, EffectivePriority = 225,
                State = "BACKUP", Since = Start.AddSeconds(80), Reason = "higher priority 240 from 192.168.1.3",
                Master = "192.168.1.3", MasterPriority = 240, AdvertIntervalCentiseconds = 100, MasterAdvertIntervalCentiseconds = 100,
                MasterDownIntervalMilliseconds = 3121.1, Preempt = true, SourceAddress = "192.168.1.2", VirtualMac = "00:00:5e:00:01:04",
                Checksum = "message", Authentication = true, Addresses = ["192.168.1.4/32"], AddressesInstalled = false,
                Trackers = [new TrackerStatus("script", "chk_mape", -20, false, false)],
                Counters = new RouterCountersStatus
                {
                    AdvertisementsSent = 12, AdvertisementsReceived = 70, BecameMaster = 1, ReleasedMaster = 1,
                    Rejected = [new("AuthMismatch", 3), new("IntervalMismatch", 0)],
                },
            },
        ],
        [new InterfaceStatus { Name = "eth0", Index = 2, Mac = "52:54:00:12:34:56", LinkUp = true, FramesReceived = 80, Receive = "ring", ParseErrors = [new("BadChecksum", 7), new("BadTtl", 0)] }],
        [],
        [],
        new RuntimeStatus(3, 1, 0, 123_456, 9_000)));

    [Fact]
    public void Text_reads_like_show_status_vrrp()
    {
        string text = StatusFormatter.Text(Snapshot());
        Assert.Contains("vrrpd pid 4242, /etc/keepalived/keepalived.conf, up 1m30s, 1 reload(s), last 2026-11-27 00:01:00Z", text, StringComparison.Ordinal);
        Assert.Contains("=== VRRP version 2 ===\nInterface: eth0 / IPv4 / VRID: 4   (mape)\n        State:          BACKUP\n", text, StringComparison.Ordinal);
        Assert.Contains("        Since:          2026-11-27 00:01:20Z (10.0s ago): higher priority 240 from 192.168.1.3\n", text, StringComparison.Ordinal);
        Assert.Contains("        Priority:       245 (effective 225)\n", text, StringComparison.Ordinal);
        Assert.Contains("        Interval:       1.00 sec\n", text, StringComparison.Ordinal);
        Assert.Contains("        Preempt:        on\n", text, StringComparison.Ordinal);
        Assert.Contains("        IP Address:     192.168.1.4/32\n", text, StringComparison.Ordinal);
        Assert.Contains("        Advertisements: sent 12 (priority 0: 0), received 70 (priority 0: 0)\n", text, StringComparison.Ordinal);
        Assert.Contains("        Transitions:    to master 1, from master 1, to fault 0\n", text, StringComparison.Ordinal);
        Assert.Contains("        Auth:           simple password\n", text, StringComparison.Ordinal);
        Assert.Contains("        Master Router:  192.168.1.3, priority 240, interval 1.00 sec\n", text, StringComparison.Ordinal);
        Assert.Contains("        Watch:          script chk_mape down (weight -20)\n", text, StringComparison.Ordinal);
        Assert.Contains("        Rejected:       AuthMismatch 3\n", text, StringComparison.Ordinal);
        Assert.Contains("        Parse errors:   BadChecksum 7\n", text, StringComparison.Ordinal);
        Assert.Contains("        Receive:        ring\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_documented_fields()
    {
        using JsonDocument json = JsonDocument.Parse(StatusFormatter.Json(Snapshot()));
        JsonElement i = json.RootElement.GetProperty("instances")[0];
        Assert.Equal("mape", i.GetProperty("name").GetString());
        Assert.Equal("eth0", i.GetProperty("interface").GetString());
        Assert.Equal(4, i.GetProperty("vrid").GetInt32());
        Assert.Equal("BACKUP", i.GetProperty("state").GetString());
        Assert.Equal(245, i.GetProperty("priority").GetInt32());
        Assert.Equal(225, i.GetProperty("effective_priority").GetInt32());
        Assert.Equal("192.168.1.3", i.GetProperty("master").GetString());
        Assert.Equal("192.168.1.4/32", i.GetProperty("addresses")[0].GetString());
        Assert.Equal(10.0, i.GetProperty("since_seconds").GetDouble());
        Assert.Equal(3, i.GetProperty("counters").GetProperty("rejected").GetProperty("AuthMismatch").GetInt64());
        Assert.False(i.GetProperty("trackers")[0].GetProperty("up").GetBoolean());
        Assert.Equal(7, json.RootElement.GetProperty("interfaces")[0].GetProperty("parse_errors").GetProperty("BadChecksum").GetInt64());
        Assert.Equal(4242, json.RootElement.GetProperty("pid").GetInt32());
        Assert.Equal("ring", json.RootElement.GetProperty("interfaces")[0].GetProperty("receive").GetString());
    }
}
