using Vrrp.Core.Wire;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>The nftables table of no_accept, in a namespace of our own.</summary>
public sealed class AcceptModeFilterTests
{
    [Fact]
    public void The_table_drops_both_families_lets_neighbor_solicitations_through_and_is_replaced_then_removed()
    {
        string? nft = AcceptModeFilter.FindNft();
        Assert.NotNull(nft);
        using var lab = new NetnsLab();
        string ns = lab.AddNamespace("nft");
        var filter = new AcceptModeFilter(nft);

        NetworkNamespace.Run(ns, () => filter.Apply([IpAddr.Parse("10.9.0.100"), IpAddr.Parse("2001:db8::100"), IpAddr.Parse("10.9.0.100")]));
        string table = NetnsLab.Exec(ns, $"{nft} list table inet {AcceptModeFilter.TableName}");
        Assert.Contains("10.9.0.100", table, StringComparison.Ordinal);
        Assert.Contains("2001:db8::100", table, StringComparison.Ordinal);
        Assert.Contains("ip daddr @no_accept4 drop", table, StringComparison.Ordinal);
        Assert.Contains("ip6 daddr @no_accept6 icmpv6 type nd-neighbor-solicit accept", table, StringComparison.Ordinal);

        // Replaced whole: an address no longer listed is gone; one family alone is fine.
        NetworkNamespace.Run(ns, () => filter.Apply([IpAddr.Parse("10.9.0.101")]));
        table = NetnsLab.Exec(ns, $"{nft} list table inet {AcceptModeFilter.TableName}");
        Assert.Contains("10.9.0.101", table, StringComparison.Ordinal);
        Assert.DoesNotContain("10.9.0.100", table, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8::100", table, StringComparison.Ordinal);

        // None left: the table goes; removing it again is not an error.
        NetworkNamespace.Run(ns, () => filter.Apply([]));
        Assert.DoesNotContain(AcceptModeFilter.TableName, NetnsLab.Exec(ns, $"{nft} list tables"), StringComparison.Ordinal);
        NetworkNamespace.Run(ns, filter.Remove);
    }

    [Fact]
    public void A_refused_change_is_an_error_naming_nft()
    {
        var filter = new AcceptModeFilter("/bin/false");
        var e = Assert.Throws<InvalidOperationException>(() => filter.Apply([IpAddr.Parse("10.9.0.100")]));
        Assert.Contains("/bin/false could not replace the table inet vrrpd", e.Message, StringComparison.Ordinal);
    }
}
