using Vrrp.Keepalived;
using Vrrp.Lab;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

public class SourceReaderTests
{
    private static List<string> Lines(string text, string configId = "main", DiagnosticBag? diagnostics = null)
    {
        var reader = new SourceReader(diagnostics ?? new DiagnosticBag(), configId);
        return [.. reader.ReadText(text, "/etc/keepalived/keepalived.conf").Select(l => l.Text)];
    }

    [Fact]
    public void Every_brace_becomes_a_line_of_its_own()
    {
        Assert.Equal(
            ["vrrp_instance mape", "{", "state MASTER", "virtual_ipaddress", "{", "192.168.1.4", "}", "authentication", "{", "auth_type PASS", "auth_pass secret1", "}", "}"],
            Lines("""
                vrrp_instance mape { state MASTER
                 virtual_ipaddress { 192.168.1.4 }
                 authentication { auth_type PASS
                 auth_pass secret1 }
                }
                """));
    }

    [Fact]
    public void Brace_on_the_next_line_works()
    {
        Assert.Equal(["global_defs", "{", "router_id r1", "}"], Lines("global_defs\n{\n  router_id r1\n}\n"));
    }

    [Fact]
    public void Lines_keep_their_file_and_line_number()
    {
        var reader = new SourceReader(new DiagnosticBag(), "x");
        List<SourceLine> lines = reader.ReadText("# comment\n\nglobal_defs {\n  router_id r1 }\n", "/tmp/k.conf");
        Assert.Equal([3, 3, 4, 4], lines.Select(l => l.Location.Line));
        Assert.All(lines, l => Assert.Equal("/tmp/k.conf", l.Location.File));
    }

    [Fact]
    public void Conditional_lines_match_the_config_id()
    {
        string text = "@main router_id main_router\n@backup router_id backup_router\n@^main peer not_main\n@^backup peer not_backup\n@nothing\n";
        Assert.Equal(["router_id main_router", "peer not_backup"], Lines(text, "main"));
        Assert.Equal(["router_id backup_router", "peer not_main"], Lines(text, "backup"));
    }

    [Fact]
    public void Definitions_are_replaced_with_and_without_braces()
    {
        Assert.Equal(["priority 240", "virtual_router_id 42", "x 10.2.0.100/32", "x 10.2.10.100/32"],
            Lines("""
                $PRIORITY=240
                $ID=42
                priority $PRIORITY
                virtual_router_id ${ID}
                $ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}
                $ADDRESS_BASE_SUB=0
                x ${ADDRESS_BASE}.100/32
                $ADDRESS_BASE_SUB=10
                x ${ADDRESS_BASE}.100/32
                """));
    }

    [Fact]
    public void Undefined_parameters_and_unbraced_names_followed_by_text_stay_as_written()
    {
        Assert.Equal(["script \"echo $HOME ${UNDEF}\"", "a $Xyz", "b v,v"], Lines("$X=v\nscript \"echo $HOME ${UNDEF}\"\na $Xyz\nb $X,$X\n"));
    }

    [Fact]
    public void A_definition_can_be_conditional_and_can_hold_a_conditional()
    {
        Assert.Equal(["priority 240"], Lines("@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n", "main"));
        Assert.Equal(["priority 240"], Lines("$IF_MAIN=@main\n$IF_MAIN priority 240\n", "main"));
        Assert.Empty(Lines("$IF_MAIN=@main\n$IF_MAIN priority 240\n", "other"));
    }

    [Fact]
    public void Multi_line_definitions_expand_into_lines_and_nest()
    {
        List<string> lines = Lines("""
            $INSTANCE= \
            vrrp_instance VI_${NUM} { \
                virtual_router_id ${NUM} \
            }

            $NUM=1
            $INSTANCE
            $NUM=2
            $INSTANCE
            """);
        Assert.Equal(["vrrp_instance VI_1", "{", "virtual_router_id 1", "}", "vrrp_instance VI_2", "{", "virtual_router_id 2", "}"], lines);
    }

    [Fact]
    public void Predefined_parameters()
    {
        List<string> lines = Lines("a ${_HASH}x\nb ${_BANG}\nc ${_INSTANCE}\nd ${_PWD}\ne ${_RANDOM 5 5}\n", "node1");
        Assert.Equal(["a #x", "b !", "c node1", "d /etc/keepalived", "e 5"], lines);
    }

    [Fact]
    public void A_self_referencing_definition_is_an_error_not_a_hang()
    {
        var diagnostics = new DiagnosticBag();
        Lines("$A=x $A\nvalue $A\n", diagnostics: diagnostics);
        Assert.Contains(diagnostics.Items, d => d.IsError && d.Message.Contains("does not end", StringComparison.Ordinal) && d.Location.Line == 2);
    }

    [Fact]
    public void Sequence_lines_repeat_the_rest_of_the_line()
    {
        Assert.Equal(["ip_address 10.0.0.1", "ip_address 10.0.1.1", "ip_address 10.0.2.1", "ip_address 10.0.3.1"],
            Lines("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n"));
        Assert.Equal(["ip_address fe80::20:90:1", "ip_address fe80::20:a0:1", "ip_address fe80::20:b0:1", "ip_address fe80::20:c0:1"],
            Lines("~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip_address fe80::20:${SUBNET}:1\n"));
        Assert.Equal(["a 1", "a 2", "a 3"], Lines("~SEQ(N, 3) a $N\n"));
        Assert.Equal(["a 3", "a 2"], Lines("$TOP=2\n~SEQ(N, 3, ${TOP}) a $N\n"));
    }

    [Fact]
    public void Sequences_nest_outermost_first()
    {
        List<string> lines = Lines("~SEQx(AD2, 0x90, 0x10, 0xc0) ~SEQx(AD1, 0x12, -1, 0x0c) fe81::10:${AD2}:${AD1}\n");
        Assert.Equal(4 * 7, lines.Count);
        Assert.Equal(["fe81::10:90:12", "fe81::10:90:11"], lines.Take(2));
        Assert.Equal("fe81::10:c0:c", lines[^1]);
    }

    [Fact]
    public void List_lines_set_one_or_several_variables()
    {
        Assert.Equal(["192.168.10.1", "192.168.20.4", "192.168.5.6", "192.168.12.8"],
            Lines("~LST({IP, IP1}, {10,1},{20,4},{5,6},{12,8}) 192.168.${IP}.${IP1}\n"));
        List<string> nested = Lines("~LST(IP, 1, 2, 3, 4) ~LST(IP1, 5,6,7) 192.169.${IP}.${IP1}\n");
        Assert.Equal(12, nested.Count);
        Assert.Equal(["192.169.1.5", "192.169.1.6", "192.169.1.7", "192.169.2.5"], nested.Take(4));
        List<string> combined = Lines("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,172) 192.${IP2}.${IP}.${IP1}\n");
        Assert.Equal(["192.168.10.1", "192.170.10.1", "192.172.10.1", "192.168.20.4", "192.170.20.4", "192.172.20.4"], combined);
    }

    [Fact]
    public void A_sequence_can_repeat_a_multi_line_definition()
    {
        KeepalivedConfig config = ConfigTestKit.Ok("""
            $VI= \
            vrrp_instance VI_${N} { \
                interface eth0 \
                virtual_router_id ${N} \
                virtual_ipaddress { 10.0.${N}.1 } \
            }
            ~SEQ(N, 1, 3) $VI
            """);
        Assert.Equal(["VI_1", "VI_2", "VI_3"], config.Instances.Select(i => i.Name));
        Assert.Equal([1, 2, 3], config.Instances.Select(i => (int)i.VirtualRouterId));
    }

    [Theory]
    [InlineData("~SEQ(N, 1, -1, 5) x", "~SEQ step is zero or goes away from the end")]
    [InlineData("~SEQ(N, a) x", "~SEQ value 'a' is not a number")]
    [InlineData("~SEQx(N, -3) x", "~SEQx is only valid for positive numbers")]
    [InlineData("~SEQ N, 3) x", "'(' expected")]
    [InlineData("~LST(N) x", "~LST takes a variable")]
    [InlineData("~LST({A, B}, {1}) x", "does not have 2 part(s)")]
    public void Broken_sequence_lines_are_errors(string line, string message)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Empty(Lines(line + "\n", diagnostics: diagnostics));
        ConfigDiagnostic error = Assert.Single(diagnostics.Items);
        Assert.True(error.IsError);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_reads_files_relative_to_the_including_file_with_globs_and_braces()
    {
        using var dir = new TempDirectory();
        string main = dir.Write("etc/keepalived.conf", "include conf.d/*.conf\ninclude extra/{b,a}.inc\nlast\n");
        dir.Write("etc/conf.d/20-second.conf", "second\n");
        dir.Write("etc/conf.d/10-first.conf", "first\ninclude ../extra/nested.inc\n");
        dir.Write("etc/conf.d/.hidden.conf", "hidden\n");
        dir.Write("etc/conf.d/notes.txt", "not included\n");
        dir.Write("etc/extra/a.inc", "a\n");
        dir.Write("etc/extra/b.inc", "b\n");
        dir.Write("etc/extra/nested.inc", "nested\n");
        var diagnostics = new DiagnosticBag();
        var reader = new SourceReader(diagnostics, "x");
        List<SourceLine> lines = reader.ReadMain(main);
        Assert.Empty(diagnostics.Items);
        Assert.Equal(["first", "nested", "second", "b", "a", "last"], lines.Select(l => l.Text));
        Assert.Equal(Path.Combine(dir.Path, "etc/conf.d/20-second.conf"), lines[2].Location.File);
        Assert.Equal(1, lines[2].Location.Line);
        Assert.Equal(6, reader.Files.Count);
    }

    [Fact]
    public void Include_inside_a_block_contributes_to_the_block()
    {
        using var dir = new TempDirectory();
        string main = dir.Write("k.conf", "vrrp_instance A {\n  include a-body.conf\n}\n");
        dir.Write("a-body.conf", "interface eth0\nvirtual_router_id 7\nvirtual_ipaddress { 10.0.0.7 }\n");
        ConfigLoadResult result = ConfigLoader.LoadFile(main);
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        Assert.Equal(7, result.Config!.Instances.Single().VirtualRouterId);
    }

    [Fact]
    public void A_missing_include_is_a_warning_as_in_keepalived_but_an_error_with_includea()
    {
        using var dir = new TempDirectory();
        string main = dir.Write("k.conf", "include missing.conf\ninclude conf.d/*.conf\nincludea strict.conf\n");
        var diagnostics = new DiagnosticBag();
        new SourceReader(diagnostics, "x").ReadMain(main);
        Assert.Collection(diagnostics.Items,
            d => Assert.True(!d.IsError && d.Location.Line == 1 && d.Message.Contains("no such file", StringComparison.Ordinal), d.ToString()),
            d => Assert.True(!d.IsError && d.Location.Line == 2 && d.Message.Contains("matches no file", StringComparison.Ordinal), d.ToString()),
            d => Assert.True(d.IsError && d.Location.Line == 3, d.ToString()));
    }

    [Fact]
    public void An_include_loop_is_an_error()
    {
        using var dir = new TempDirectory();
        string main = dir.Write("a.conf", "include b.conf\n");
        dir.Write("b.conf", "x\ninclude a.conf\n");
        var diagnostics = new DiagnosticBag();
        new SourceReader(diagnostics, "x").ReadMain(main);
        ConfigDiagnostic error = Assert.Single(diagnostics.Items);
        Assert.True(error.IsError);
        Assert.Equal(Path.Combine(dir.Path, "b.conf"), error.Location.File);
        Assert.Equal(2, error.Location.Line);
        Assert.Contains("include loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Executable_files_are_not_read_as_configuration()
    {
        using var dir = new TempDirectory();
        string main = dir.Write("k.conf", "include *.sh\nafter\n");
        string script = dir.Write("x.sh", "echo not configuration\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var diagnostics = new DiagnosticBag();
        List<SourceLine> lines = new SourceReader(diagnostics, "x").ReadMain(main);
        Assert.Equal(["after"], lines.Select(l => l.Text));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("executable", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_main_file_is_an_error()
    {
        ConfigLoadResult result = ConfigLoader.LoadFile("/nonexistent/vrrpd-test.conf");
        Assert.False(result.Success);
        Assert.Contains(result.Errors, d => d.Message.Contains("cannot read configuration file '/nonexistent/vrrpd-test.conf'", StringComparison.Ordinal));
    }

    [Fact]
    public void Unterminated_quote_is_an_error_with_its_line()
    {
        AssertError(Instance("    notify_master \"/bin/x a b"), 8, "unterminated quote");
    }
}
