using Vrrp.Interop.Tests.Harness;

namespace Vrrp.Interop.Tests.Scenarios;

/// <summary>
/// The RFC 9568 VRRPv3 checksum (over the message only, as Cisco and Arista send it) between
/// two vrrpd: one configured with <c>v3_checksum_as_v2</c>, the other on defaults (RFC 5798,
/// with the pseudo-header). keepalived 2.2.7 and FRR 8.4 only send the latter, so this pair
/// is the proof that vrrpd accepts both: the whole failover cycle, each side's convention on
/// the wire.
/// </summary>
public sealed class Rfc9568ChecksumTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Message_only_and_pseudo_header_checksums_interoperate(bool masterSendsMessageOnly)
    {
        var row = new ResultRow
        {
            Scenario = "v3 RFC 9568 checksum (message only) vs RFC 5798 (pseudo-header)", Version = 3, Family = "IPv4", Mode = "multicast",
            First = Impl.Vrrpd, Second = Impl.Vrrpd,
            FirstRole = masterSendsMessageOnly ? "master (message only)" : "master (pseudo-header)",
            SecondRole = masterSendsMessageOnly ? "backup (pseudo-header)" : "backup (message only)",
        };
        using var lab = InteropLab.Create(row, [Impl.Vrrpd, Impl.Vrrpd]);
        lab.Run(() =>
        {
            var spec = new InstanceSpec { Version = 3, AdvertSeconds = 0.1, Vips = [$"{InteropLab.Vip}/24"] };
            InstanceSpec high = spec with { Priority = 245, ChecksumMessageOnly = masterSendsMessageOnly };
            InstanceSpec low = spec with { Priority = 240, ChecksumMessageOnly = !masterSendsMessageOnly };
            Flows.FailoverCycle(lab, high, low, InteropLab.Vip);
            WireLog wire = lab.Wire();
            Assert.All(wire.Adverts(lab[0].Address), f => Assert.Equal(masterSendsMessageOnly ? "message-only" : "pseudo-header", f.Checksum));
            Assert.All(wire.Adverts(lab[1].Address), f => Assert.Equal(masterSendsMessageOnly ? "pseudo-header" : "message-only", f.Checksum));
            row.Figures.Add($"on the wire: r1 {(masterSendsMessageOnly ? "message-only" : "pseudo-header")}, r2 {(masterSendsMessageOnly ? "pseudo-header" : "message-only")}, both accepted");
        });
    }
}
