using System.Diagnostics;
using System.Text.Json;
using Vrrp.Lab;
using Vrrpd.Commands;

namespace vrrpd.Tests.Commands;

public class SimulateCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        StringWriter stdout = new(), stderr = new();
        int exit = SimulateCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] IssueExample =
        ["--router", "r1:245", "--router", "r2:240", "--version", "3", "--advert-ms", "10", "--cut", "r1@5s", "--restore", "r1@8s", "--until", "12s"];

    [Fact]
    public void Issue_example_prints_timeline_and_takeover_next_to_master_down_interval()
    {
        (int exit, string output, string errors) = Run(IssueExample);
        Assert.Equal(0, exit);
        Assert.Equal("", errors);
        Assert.Contains("r1        Backup      Master      MasterDown", output);
        Assert.Contains("r2        Backup      Master      MasterDown", output);
        Assert.Contains("r2        Master      Backup      HigherPriority", output);
        // r2's Master_Down_Interval at 10 ms: 30 ms + (256 - 240) / 256 * 10 ms.
        Assert.Contains("cut r1 at 5000.000 ms: r2 became Master at", output);
        Assert.Contains("(Master_Down_Interval 30.625 ms)", output);
        Assert.Contains(" 0 parse errors", output);
    }

    [Fact]
    public void Json_lines_carry_time_router_from_to_reason()
    {
        (int exit, string output, _) = Run([.. IssueExample, "--json"]);
        Assert.Equal(0, exit);
        List<JsonElement> lines = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        List<JsonElement> transitions = lines.FindAll(l => l.GetProperty("type").GetString() == "transition");
        Assert.Equal(5, transitions.Count);
        JsonElement takeover = transitions.Single(t => t.GetProperty("router").GetString() == "r2" && t.GetProperty("to").GetString() == "Master");
        Assert.Equal("Backup", takeover.GetProperty("from").GetString());
        Assert.Equal("MasterDown", takeover.GetProperty("reason").GetString());
        double time = takeover.GetProperty("time_ms").GetDouble();
        Assert.InRange(time, 5000 + 30.625 - 10, 5000 + 30.625);
        JsonElement measured = lines.Single(l => l.GetProperty("type").GetString() == "takeover");
        Assert.Equal(time - 5000, measured.GetProperty("takeover_ms").GetDouble(), 3);
        Assert.Equal(30.625, measured.GetProperty("theory_ms").GetDouble(), 3);
    }

    [Fact]
    public void Same_seed_gives_the_same_output_with_loss()
    {
        string[] args = ["--router", "a:200", "--router", "b:150", "--router", "c:100", "--advert-ms", "100", "--loss", "0.3", "--until", "60s", "--seed", "42"];
        Assert.Equal(Run(args).Out, Run(args).Out);
        Assert.NotEqual(Run(args).Out, Run([.. args[..^1], "43"]).Out);
    }

    [Theory]
    [InlineData("unknown flag '--bogus'", "--router", "r1:100", "--bogus")]
    [InlineData("give at least one --router", "--until", "5s")]
    [InlineData("priority must be 1..255", "--router", "r1:300")]
    [InlineData("unknown router 'r9'", "--router", "r1:100", "--cut", "r9@1s")]
    [InlineData("takes NAME@TIME", "--router", "r1:100", "--cut", "r1")]
    [InlineData("VRRPv2 advertises whole seconds", "--router", "r1:100", "--version", "2", "--advert-ms", "10")]
    [InlineData("VRRPv2 is IPv4 only", "--router", "r1:100", "--version", "2", "--family", "ipv6")]
    [InlineData("'x' is not a number", "--router", "r1:100", "--loss", "x")]
    [InlineData("unknown option 'fast'", "--router", "r1:100:fast")]
    [InlineData("is given twice", "--router", "r1:100", "--router", "r1:200")]
    [InlineData("after --until", "--router", "r1:100", "--kill", "r1@20s", "--until", "10s")]
    [InlineData("--seed needs a value", "--router", "r1:100", "--seed")]
    public void Bad_flags_give_a_clear_error_and_exit_2(string message, params string[] args)
    {
        (int exit, string output, string errors) = Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(message, errors);
    }

    [Fact]
    public void Ipv6_and_v2_scenarios_run()
    {
        Assert.Contains("Master", Run("--router", "a:255", "--router", "b:100", "--family", "ipv6", "--until", "5s").Out);
        (int exit, string output, _) = Run("--router", "a:200", "--router", "b:100", "--version", "2", "--fault", "a@5s", "--recover", "a@7s", "--until", "15s");
        Assert.Equal(0, exit);
        Assert.Contains("a         Master      Fault       InterfaceDown", output);
        Assert.Contains("fault a at 5000.000 ms: b became Master at 5609.375 ms, takeover 609.375 ms (Skew_Time 609.375 ms)", output);
    }

    [Fact]
    public void Native_binary_runs_the_issue_example_when_published()
    {
        // scripts/test.sh publishes artifacts/bin/vrrpd before running the tests.
        string binary = Repository.PublishedVrrpd;
        Assert.True(File.Exists(binary), $"{binary} is missing: publish first (scripts/test.sh does: {Repository.PublishCommand})");
        ProcessStartInfo start = new(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["simulate", .. IssueExample, "--json"]) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Run([.. IssueExample, "--json"]).Out, output);
    }
}
