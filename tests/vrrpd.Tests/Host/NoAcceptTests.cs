using Vrrp.Linux;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// no_accept end to end (RFC 5798 6.1 Accept_Mode off): the Master answers ARP for the virtual
/// address, so hosts use it as their gateway, but drops what is addressed to the address itself;
/// with accept (keepalived's default) it answers. The nftables table goes with the daemon.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class NoAcceptTests
{
    private const string Vip = "10.9.0.100";

    [Fact]
    public void A_no_accept_master_answers_arp_but_drops_packets_to_the_address_and_removes_its_table()
    {
        Assert.NotNull(AcceptModeFilter.FindNft());
        using var lab = new DaemonLab(3);
        string host = lab.Members[2];
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245, "no_accept"));
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240));
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", TimeSpan.FromSeconds(10)), r2.Output);
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));
        Assert.Contains("table inet vrrpd", Nft(lab.Members[0]), StringComparison.Ordinal);

        // ARP for the address is answered with r1's MAC, echo requests to it are not; r1's own address still answers.
        Assert.Equal(0, NetnsLab.Ping(host, Vip, count: 3, waitSeconds: 0.5));
        Assert.Equal(NetnsLab.Mac(lab.Members[0], "eth0"), NetnsLab.Neighbour(host, Vip)?.Mac);
        Assert.Equal(2, NetnsLab.Ping(host, DaemonLab.Address(1), count: 2));

        // r2 (accept, keepalived's default) answers once it is Master.
        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(TimeSpan.FromSeconds(10)), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(3)), r2.Output);
        NetnsLab.WaitUntil(() => NetnsLab.Ping(host, Vip, count: 1, waitSeconds: 0.5) == 1, TimeSpan.FromSeconds(5), "the host reaching the address on r2");

        // The stopped daemon removed its table.
        Assert.DoesNotContain("vrrpd", Nft(lab.Members[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_a_previous_run_left_is_removed_at_startup()
    {
        string nft = AcceptModeFilter.FindNft()!;
        using var lab = new DaemonLab(1);
        // As a daemon killed with no_accept leaves it.
        NetnsLab.Exec(lab.Members[0], $"{nft} \"{AcceptModeFilter.Script([Vrrp.Core.Wire.IpAddr.Parse(Vip)])}\"");
        Assert.Contains("table inet vrrpd", Nft(lab.Members[0]), StringComparison.Ordinal);
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245));
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        NetnsLab.WaitUntil(() => !Nft(lab.Members[0]).Contains("vrrpd", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the stale table to go");
        Assert.Equal(1, NetnsLab.Ping(lab.Members[0], Vip, count: 1));
    }

    [Fact]
    public void A_reload_turns_no_accept_on_and_off()
    {
        using var lab = new DaemonLab(2);
        string host = lab.Members[1];
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245));
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        Assert.Equal(1, NetnsLab.Ping(host, Vip, count: 1));

        File.WriteAllText(r1.ConfigFile, FailoverTests.Config(245, "no_accept"));
        r1.Signal("HUP");
        NetnsLab.WaitUntil(() => Nft(lab.Members[0]).Contains("table inet vrrpd", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the table after the reload");
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        Assert.Equal(0, NetnsLab.Ping(host, Vip, count: 2, waitSeconds: 0.5));

        File.WriteAllText(r1.ConfigFile, FailoverTests.Config(245));
        r1.Signal("HUP");
        NetnsLab.WaitUntil(() => !Nft(lab.Members[0]).Contains("vrrpd", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the table to go after the reload");
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);
        NetnsLab.WaitUntil(() => NetnsLab.Ping(host, Vip, count: 1, waitSeconds: 0.5) == 1, TimeSpan.FromSeconds(5), "the host reaching the address again");
    }

    private static string Nft(string ns) => NetnsLab.Exec(ns, $"{AcceptModeFilter.FindNft()} list tables");
}
