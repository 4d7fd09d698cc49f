using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vrrp.Keepalived;

namespace Vrrp.Keepalived.Tests;

/// <summary>Configuration text the reader might meet: well-formed fragments shuffled with junk.</summary>
public sealed record ConfigSoup(string Text)
{
    public override string ToString() => Text;
}

public static class ConfigSoupArbitrary
{
    private static readonly string[] Vocabulary =
    [
        "vrrp_instance", "vrrp_script", "vrrp_sync_group", "global_defs", "virtual_server", "static_routes",
        "state", "MASTER", "BACKUP", "interface", "eth0", "virtual_router_id", "priority", "advert_int", "version",
        "virtual_ipaddress", "virtual_ipaddress_excluded", "track_script", "track_interface", "unicast_peer",
        "unicast_src_ip", "authentication", "auth_type", "PASS", "AH", "auth_pass", "notify", "notify_master",
        "group", "script", "interval", "weight", "reverse", "rise", "fall", "use_vmac", "nopreempt", "preempt_delay",
        "dev", "label", "scope", "brd", "+", "-", "vrrp_strict", "vrrp_version", "no_accept", "accept", "smtp_alert",
        "include", "x.conf", "*.conf", "{a,b}.conf", "0", "1", "3", "4", "255", "256", "-1", "0.5", "1e9", "99999999999999999999",
        "10.0.0.1", "10.0.0.1/24", "fe80::1", "2001:db8::1/64", "224.0.0.18", "1.2.3", "::", "VI_1", "VI_2", "chk",
        "{", "}", "{", "}", "\"", "'", "\"a b\"", "'c d'", "#", "!", "\\", "\\#", "$X=1", "$X", "${X}", "${_PWD}",
        "${_RANDOM 1 3}", "$M=\\", "@testhost", "@^testhost", "@other", "~SEQ(N,1,3)", "~", "\t", "é", "\u0000", "\u00a0",
    ];

    public static Arbitrary<ConfigSoup> Soup()
    {
        Gen<string> word = Gen.Elements(Vocabulary);
        Gen<string> separator = Gen.Frequency((6, Gen.Constant(" ")), (3, Gen.Constant("\n")), (1, Gen.Constant("\r\n")), (1, Gen.Constant("")));
        Gen<string> piece = word.Zip(separator, (w, s) => w + s);
        Gen<string> soup = piece.ListOf().Select(parts => string.Concat(parts));
        Gen<string> junk = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "");
        return Gen.Frequency((4, soup), (1, junk)).Select(text => new ConfigSoup(text)).ToArbitrary();
    }
}

public class FuzzTests
{
    private const string FileName = "/nonexistent-vrrpd-fuzz/keepalived.conf";

    [Property(Arbitrary = [typeof(ConfigSoupArbitrary)], MaxTest = 400)]
    public void Any_text_gives_diagnostics_with_a_line_never_an_exception(ConfigSoup soup)
    {
        ConfigLoadResult result = ConfigLoader.LoadText(soup.Text, FileName, new ConfigLoadOptions("testhost"));
        int lines = soup.Text.Split('\n').Length;
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal(FileName, d.Location.File);
            Assert.InRange(d.Location.Line, 1, lines);
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
        });
        Assert.Equal(result.Config is null, result.Errors.Any());
    }

    [Property(MaxTest = 200)]
    public void Arbitrary_strings_never_throw(string? text)
    {
        ConfigLoadResult result = ConfigLoader.LoadText(text ?? "", FileName, new ConfigLoadOptions("testhost"));
        Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line >= 1));
    }
}
