using System.Diagnostics;
using Vrrp.Lab;
using Vrrpd.Commands;

namespace vrrpd.Tests.Commands;

public class ConfigTestCommandTests
{
    private static (int Exit, string Output, string Errors) Run(params string[] args)
    {
        Assert.True(DaemonOptions.TryParse(args, out DaemonOptions options, out string? error), error);
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = ConfigTest.Run(options, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public void A_good_configuration_exits_0_with_a_one_line_summary()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("k.conf", "global_defs {\n smtp_server 1.2.3.4\n enable_script_security\n}\nvrrp_script chk {\n script /bin/true\n}\nvrrp_instance a {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 10.0.0.1 }\n track_script { chk }\n}\n");
        var (exit, output, errors) = Run("-t", "-f", file);
        Assert.Equal(0, exit);
        Assert.Equal($"vrrpd: {file}: configuration OK: 1 instance, 1 script, 0 sync groups, 1 warning\n", output);
        Assert.Equal($"{file}:2: warning: keepalived keyword 'smtp_server' is ignored by vrrpd (e-mail alerts are not sent)\n", errors);
    }

    [Fact]
    public void A_bad_configuration_exits_1_listing_every_error_on_stderr()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("k.conf", "vrrp_instance a {\n interface eth0\n virtual_router_id 300\n priorty 5\n virtual_ipaddress { 10.0.0.1 }\n}\n");
        var (exit, output, errors) = Run("--config-test", "--use-file=" + file);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal(
            $"{file}:3: virtual_router_id 300: must be 1..255\n" +
            $"{file}:4: unknown keyword 'priorty' in vrrp_instance a; did you mean 'priority'?\n" +
            $"vrrpd: {file}: 2 errors, 0 warnings; the configuration cannot be used\n", errors);
    }

    [Fact]
    public void Findings_can_go_to_a_file()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("k.conf", "bogus\n");
        string log = Path.Combine(dir.Path, "check.log");
        var (exit, _, errors) = Run("--config-test=" + log, "-f", file);
        Assert.Equal(1, exit);
        Assert.Contains("unknown keyword 'bogus'", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.DoesNotContain("unknown keyword", errors, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConfigFiles.AcceptedSamples), MemberType = typeof(ConfigFiles))]
    public void Sample_passes_vrrpd_t(string name)
    {
        (int exit, string output, string errors) = Run("-t", "-i", "testhost", "-f", ConfigFiles.SamplePath(name));
        Assert.True(exit == 0, output + errors);
        Assert.StartsWith($"vrrpd: {ConfigFiles.SamplePath(name)}: configuration OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_published_native_binary_checks_the_mape_gateway_example()
    {
        var start = new ProcessStartInfo(NativeBinary.Path, ["-t", "-f", "examples/mape-gateway.conf"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "vrrpd -t did not finish");
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("vrrpd: examples/mape-gateway.conf: configuration OK: 1 instance, 1 script, 0 sync groups, 0 warnings\n", output);
        Assert.Equal("", errors);

        start.ArgumentList.Clear();
        foreach (string arg in (string[])["-t", "-f", "/nonexistent/vrrpd.conf"])
            start.ArgumentList.Add(arg);
        using Process missing = Process.Start(start)!;
        string missingErrors = missing.StandardError.ReadToEnd();
        missing.StandardOutput.ReadToEnd();
        Assert.True(missing.WaitForExit(30_000));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("cannot read configuration file '/nonexistent/vrrpd.conf'", missingErrors, StringComparison.Ordinal);
    }
}

/// <summary>
/// artifacts/bin/vrrpd as scripts/test.sh publishes it; published here when missing or older
/// than the sources, so the test never runs a stale binary.
/// </summary>
internal static class NativeBinary
{
    private static readonly Lazy<string> Published = new(Publish);

    public static string Path => Published.Value;

    private static string Publish()
    {
        string root = Repository.Root;
        string binary = Repository.PublishedVrrpd;
        if (Repository.IsNewerThanSources(root, binary))
            return binary;
        var start = new ProcessStartInfo("dotnet", ["publish", "src/vrrpd", "-c", "Release", "-o", "artifacts/bin", "--nologo", "-v", "quiet"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
            throw new TimeoutException("dotnet publish src/vrrpd did not finish in 10 minutes");
        if (process.ExitCode != 0 || !File.Exists(binary))
            throw new InvalidOperationException($"dotnet publish src/vrrpd failed ({process.ExitCode}):\n{output.Result}\n{errors.Result}");
        return binary;
    }
}
