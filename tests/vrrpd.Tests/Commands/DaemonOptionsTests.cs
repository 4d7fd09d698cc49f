using Vrrpd.Commands;

namespace vrrpd.Tests.Commands;

public class DaemonOptionsTests
{
    private static DaemonOptions Parse(params string[] args)
    {
        Assert.True(DaemonOptions.TryParse(args, out DaemonOptions options, out string? error), error);
        return options;
    }

    [Fact]
    public void Defaults()
    {
        DaemonOptions options = Parse();
        Assert.Null(options.ConfigFile);
        Assert.False(options.ConfigTest);
        Assert.Equal("/run/vrrpd/vrrpd.sock", options.ControlSocket);
        Assert.Null(options.PidFile);
    }

    [Theory]
    [InlineData("-t", "-f", "/x.conf")]
    [InlineData("--config-test", "--use-file=/x.conf")]
    [InlineData("--config-test", "--use-file", "/x.conf")]
    [InlineData("-tf", "/x.conf")]
    [InlineData("-t", "-f/x.conf")]
    public void Config_test_and_file_in_keepalived_spellings(params string[] args)
    {
        DaemonOptions options = Parse(args);
        Assert.True(options.ConfigTest);
        Assert.Equal("/x.conf", options.ConfigFile);
    }

    [Fact]
    public void Config_test_output_file()
    {
        Assert.Equal("/tmp/check.log", Parse("--config-test=/tmp/check.log").ConfigTestOutput);
    }

    [Fact]
    public void Run_options()
    {
        DaemonOptions options = Parse("-n", "-l", "-D", "--control-socket", "/run/a.sock", "--pid-file", "/run/a.pid", "-i", "backup", "-f", "/etc/a.conf");
        Assert.True(options.DontFork);
        Assert.True(options.LogConsole);
        Assert.True(options.LogDetail);
        Assert.Equal("/run/a.sock", options.ControlSocket);
        Assert.Equal("/run/a.pid", options.PidFile);
        Assert.Equal("backup", options.ConfigId);
        Assert.Equal("/etc/a.conf", options.ConfigFile);
        Assert.Equal("/run/b.pid", Parse("-p", "/run/b.pid").PidFile);
        Assert.Equal("/run/c.pid", Parse("--pid=/run/c.pid").PidFile);
        Assert.True(Parse("-nlD").LogDetail);
        Assert.True(Parse("--dont-fork", "--log-console", "--log-detail").DontFork);
    }

    [Fact]
    public void Keepalived_options_that_change_nothing_are_accepted()
    {
        Parse("-P", "--vrrp", "-G", "--no-syslog", "-S", "7", "--log-facility=local0", "-R", "-m");
    }

    [Fact]
    public void Signal_dump_and_syslog_options()
    {
        DaemonOptions options = Parse("--dump-dir", "/var/tmp", "--keepalived-dump-names", "--syslog-ident", "Keepalived_vrrp",
            "--syslog-socket=/run/log.sock", "-S", "local3");
        Assert.Equal("/var/tmp", options.DumpDirectory);
        Assert.True(options.KeepalivedDumpNames);
        Assert.Equal("Keepalived_vrrp", options.SyslogIdent);
        Assert.Equal("/run/log.sock", options.SyslogSocket);
        Assert.Equal("local3", options.LogFacility);
        Assert.True(options.UsesSyslog);
        Assert.False(Parse().UsesSyslog);
        Assert.True(Parse("--syslog").UsesSyslog);
        Assert.False(Parse("--syslog-ident", "x", "-G").UsesSyslog);
        Assert.Equal("JSON", Parse("--signum=JSON").Signum);
        Assert.Equal("STATS_CLEAR", Parse("--signum", "STATS_CLEAR").Signum);
    }

    [Theory]
    [InlineData("STOP", "15\n", 0)]
    [InlineData("RELOAD", "1\n", 0)]
    [InlineData("DATA", "10\n", 0)]
    [InlineData("STATS", "12\n", 0)]
    [InlineData("STATS_CLEAR", "63\n", 0)]
    [InlineData("JSON", "36\n", 0)]
    [InlineData("TDATA", "", 1)]
    public void Signum_prints_keepalived_s_numbers(string name, string output, int exit)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(exit, Run.Signum(name, stdout, stderr));
        Assert.Equal(output, stdout.ToString().Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal(exit == 0 ? "" : $"Unknown sigfunc {name}\n", stderr.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("unexpected argument 'start'", "start")]
    [InlineData("unknown option '-z'", "-z")]
    [InlineData("unknown option '--frobnicate'", "--frobnicate")]
    [InlineData("option -f needs a value", "-f")]
    [InlineData("option --control-socket needs a value", "--control-socket")]
    [InlineData("option --dont-fork takes no value", "--dont-fork=yes")]
    public void Bad_arguments_are_reported(string message, params string[] args)
    {
        Assert.False(DaemonOptions.TryParse(args, out _, out string? error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Default_file_is_vrrpd_conf_falling_back_to_keepalived_conf()
    {
        var options = new DaemonOptions();
        Assert.Equal("/etc/vrrpd/vrrpd.conf", options.ResolveConfigFile(path => path == "/etc/vrrpd/vrrpd.conf"));
        Assert.Equal("/etc/keepalived/keepalived.conf", options.ResolveConfigFile(_ => false));
        Assert.Equal("/x.conf", (options with { ConfigFile = "/x.conf" }).ResolveConfigFile(_ => true));
    }
}
