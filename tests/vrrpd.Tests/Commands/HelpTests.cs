using System.Diagnostics;
using System.Text.RegularExpressions;
using Vrrp.Lab;
using Vrrpd.Commands;
using vrrpd.Tests.Host;

namespace vrrpd.Tests.Commands;

/// <summary>
/// --help of the daemon and of every command, run as a process; and the daemon's options held
/// against the usage text and vrrpd(8): an option the parser accepts that either does not name
/// fails here.
/// </summary>
public sealed partial class HelpTests
{
    private static readonly string ManPath = Path.Combine(Repository.Root, "docs", "man", "vrrpd.8");

    private static (int Exit, string Output, string Errors) Vrrpd(params string[] args)
    {
        ProcessStartInfo start = new(DaemonLab.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"vrrpd {string.Join(' ', args)} did not exit");
        return (process.ExitCode, output, errors.Result);
    }

    [Theory]
    [InlineData("usage:", "--help")]
    [InlineData("usage:", "-h")]
    [InlineData("usage:", "help")]
    [InlineData("usage:", "-f", "/nonexistent.conf", "--help")]
    [InlineData("usage:", "-t", "-h")]
    [InlineData("usage: vrrpd status", "status", "--help")]
    [InlineData("usage: vrrpd status", "status", "--json", "-h")]
    [InlineData("usage: vrrpd status", "help", "status")]
    [InlineData("usage: vrrpd inspect", "inspect", "--help")]
    [InlineData("usage: vrrpd inspect", "inspect", "capture.pcap", "-h")]
    [InlineData("usage: vrrpd inspect", "help", "inspect")]
    [InlineData("usage: vrrpd simulate", "simulate", "--help")]
    [InlineData("usage: vrrpd simulate", "simulate", "--router", "a:100", "--help")]
    [InlineData("usage: vrrpd simulate", "help", "simulate")]
    [InlineData("usage: vrrpd demo", "demo", "--help")]
    [InlineData("usage: vrrpd demo", "demo", "--keep", "-h")]
    [InlineData("usage: vrrpd demo", "help", "demo")]
    public void Help_exits_0_with_the_usage_on_stdout(string expected, params string[] args)
    {
        var (exit, output, errors) = Vrrpd(args);
        Assert.True(exit == 0, $"exit {exit}: {errors}");
        Assert.Equal("", errors);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("-h, --help", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("inspect")]
    [InlineData("simulate")]
    [InlineData("demo")]
    public void A_bad_flag_exits_2_and_points_at_the_help(string command)
    {
        var (exit, output, errors) = Vrrpd(command, "--bogus");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"run 'vrrpd {command} --help' for the flags", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_of_no_such_command_exits_2_and_a_bad_daemon_option_prints_the_usage_on_stderr()
    {
        Assert.Equal(2, Vrrpd("help", "nope").Exit);
        var (exit, output, errors) = Vrrpd("--bogus");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("vrrpd: unknown option '--bogus'\n", errors, StringComparison.Ordinal);
        Assert.Contains("daemon options:", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_exits_0()
    {
        var (exit, output, _) = Vrrpd("--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^vrrpd \d+\.\d+\.\d+\n$", output);
        Assert.Equal(output, Vrrpd("-n", "-v").Output);
    }

    // The option literals of DaemonOptions*.cs ("-f", "--use-file", ...) that the parser
    // accepts, alone or with a value: what the daemon takes, whoever added it.
    private static List<string> ParsedOptions()
    {
        string source = string.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "src", "vrrpd", "Commands"), "DaemonOptions*.cs").Select(File.ReadAllText));
        var options = OptionLiteral().Matches(source).Select(m => m.Groups[1].Value).Distinct().ToList();
        return [.. options.Where(o => DaemonOptions.TryParse([o], out _, out _) || DaemonOptions.TryParse([o, "x"], out _, out _))];
    }

    [GeneratedRegex("\"(-[A-Za-z]|--[A-Za-z][A-Za-z0-9-]*)\"")]
    private static partial Regex OptionLiteral();

    private static IEnumerable<DaemonOption> Table => DaemonOptionTable.Options.Concat(DaemonOptionTable.KeepalivedNoOps);

    [Fact]
    public void Every_option_the_parser_accepts_is_in_the_usage_and_in_vrrpd_8()
    {
        List<string> parsed = ParsedOptions();
        Assert.Contains("--keep-capabilities", parsed);
        Assert.Contains("-D", parsed);
        Assert.Contains("--log-facility", parsed);

        HashSet<string> usage = [.. Table.SelectMany(o => o.Names)];
        HashSet<string> manual = [.. ManPage.Load(ManPath).Section("OPTIONS")!.Items.SelectMany(i => i.Names)];
        None(parsed.Where(o => !usage.Contains(o)).Select(o => $"{o}: not in DaemonOptionTable (vrrpd --help)"));
        None(parsed.Where(o => !manual.Contains(o)).Select(o => $"{o}: not under OPTIONS in {ManPath}"));
        foreach (DaemonOption option in Table)
            Assert.Contains(option.Synopsis, Usage.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_option_of_the_usage_and_of_vrrpd_8_is_accepted()
    {
        // -h and -v are the dispatcher's (Program, Run), answered before options are parsed.
        string[] dispatcher = ["-h", "--help", "-v", "--version"];
        IEnumerable<string> listed = Table.SelectMany(o => o.Names)
            .Concat(ManPage.Load(ManPath).Section("OPTIONS")!.Items.SelectMany(i => i.Names))
            .Distinct()
            .Where(o => !dispatcher.Contains(o));
        None(listed.Where(o => !DaemonOptions.TryParse([o], out _, out _) && !DaemonOptions.TryParse([o, "x"], out _, out _))
            .Select(o => $"{o}: listed, but DaemonOptions does not accept it"));
    }

    [Fact]
    public void Every_command_and_its_flags_are_in_vrrpd_8()
    {
        ManPage page = ManPage.Load(ManPath);
        ManSection commands = page.Section("COMMANDS")!;
        Assert.Equal(["status", "inspect", "simulate", "demo", "help"], commands.Items.SelectMany(i => i.Names));
        foreach (string command in (string[])["status", "inspect", "simulate", "demo"])
        {
            string help = Usage.CommandHelp(command)!;
            ManItem item = commands.Items.Single(i => i.Names.Contains(command));
            string described = string.Join(' ', item.Heads) + " " + item.Body;
            IEnumerable<string> flags = Regex.Matches(help, @"(?<![\w-])--[a-z][a-z0-9-]*").Select(m => m.Value).Distinct();
            None(flags.Where(f => f != "--help" && !Regex.IsMatch(described, $@"(?<![\w-]){Regex.Escape(f)}(?![\w-])"))
                .Select(f => $"vrrpd {command} {f}: not under COMMANDS in {ManPath}"));
        }
        Assert.Contains("SIGHUP", page.Section("SIGNALS")!.Items.SelectMany(i => i.Names));
        Assert.NotNull(page.Section("EXIT STATUS"));
        Assert.NotNull(page.Section("FILES"));
    }

    private static void None(IEnumerable<string> problems)
    {
        List<string> list = [.. problems];
        Assert.True(list.Count == 0, string.Join('\n', list));
    }
}
