using System.Diagnostics;
using Vrrp.Keepalived;
using Vrrp.Lab;
using static Vrrp.Keepalived.Tests.ConfigTestKit;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// A private network namespace with the interfaces the test configurations name, where
/// keepalived 2.2.7 (installed by scripts/test.sh) checks the same files with <c>keepalived -t</c>.
/// </summary>
public sealed class KeepalivedNamespace : IDisposable
{
    private static readonly string[] Interfaces = ["eth0", "eth1", "eth2", "eth3", "eth0.1", "eth0.2"];

    public KeepalivedNamespace()
    {
        Name = $"vrrpdcfg-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        Run("ip", "netns", "add", Name);
        try
        {
            for (int i = 0; i < Interfaces.Length; i++)
                Run("ip", "netns", "exec", Name, "ip", "link", "add", Interfaces[i], "type", "veth", "peer", "name", $"peer{i}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>keepalived -t on a file; its exit code and what it printed.</summary>
    public (int Exit, string Output) CheckWithKeepalived(string file) => Run("ip", "netns", "exec", Name, "keepalived", "-t", "-f", file);

    public void Dispose() => Run("ip", "netns", "del", Name);

    private static (int Exit, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, output.Result + errors.Result);
    }
}

/// <summary>vrrpd and keepalived agree on what is a valid configuration (where vrrpd supports the keywords).</summary>
public class KeepalivedAgreementTests(KeepalivedNamespace keepalived) : IClassFixture<KeepalivedNamespace>
{
    // keepalived -t also fails a configuration whose scripts run as root without enable_script_security.
    private const string ScriptSecurityNotice = "SECURITY VIOLATION - scripts are being executed but script_security not enabled.";

    private void AssertKeepalivedAccepts(string file)
    {
        var (exit, output) = keepalived.CheckWithKeepalived(file);
        string complaints = string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l != ScriptSecurityNotice));
        Assert.True(complaints.Length == 0 && (exit == 0 || output.Contains(ScriptSecurityNotice, StringComparison.Ordinal)),
            $"keepalived -t {file} exited {exit}:\n{output}");
    }

    [Theory]
    [MemberData(nameof(SampleConfigTests.AcceptedSamples), MemberType = typeof(SampleConfigTests))]
    public void Keepalived_accepts_the_samples_vrrpd_accepts(string name)
    {
        Assert.True(ConfigLoader.LoadFile(SamplePath(name)).Success);
        AssertKeepalivedAccepts(SamplePath(name));
    }

    [Fact]
    public void Keepalived_accepts_the_mape_gateway_example()
    {
        // Point the scripts at the repository's copies; keepalived checks that they exist.
        string examples = Path.Combine(Repository.Root, "examples");
        using var dir = new TempDirectory();
        string text = File.ReadAllText(Path.Combine(examples, "mape-gateway.conf")).Replace("/etc/vrrpd/", examples + "/", StringComparison.Ordinal)
            // The checkout's directories need not meet script security; that is the deployment's business.
            .Replace("    enable_script_security", "    # enable_script_security", StringComparison.Ordinal);
        string file = dir.Write("mape-gateway.conf", text);
        Assert.True(ConfigLoader.LoadFile(file).Success);
        AssertKeepalivedAccepts(file);
    }

    public static TheoryData<string> RejectedByBoth =>
    [
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n priorty 245\n virtual_ipaddress { 10.0.0.1 }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 300\n virtual_ipaddress { 10.0.0.1 }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n priority 256\n virtual_ipaddress { 10.0.0.1 }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n advert_int 0.001\n virtual_ipaddress { 10.0.0.1 }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress {\n 10.0.0.1\n 2001:db8::1\n }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n track_script { missing }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_instance b {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.2 }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n}\nvrrp_sync_group g {\n group {\n a\n b\n }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n}\n}\n",
        "vrrp_script s {\n script /bin/true\n interval 0.5\n}\nvrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n track_script { s }\n}\n",
        "vrrp_instance a {\n interface eth0\n virtual_router_id 4\n state master\n virtual_ipaddress { 10.0.0.1 }\n}\n",
        "vrrp_instance a {\n interface eth0\n version 3\n virtual_router_id 4\n}\n",
        "global_defs {\n vrrp_version 4\n}\nvrrp_instance a {\n interface eth0\n virtual_router_id 4\n virtual_ipaddress { 10.0.0.1 }\n}\n",
    ];

    [Theory]
    [MemberData(nameof(RejectedByBoth))]
    public void Both_reject_broken_configurations(string text)
    {
        using var dir = new TempDirectory();
        string file = dir.Write("keepalived.conf", text);
        Assert.False(ConfigLoader.LoadFile(file).Success);
        var (exit, output) = keepalived.CheckWithKeepalived(file);
        Assert.True(exit != 0, $"keepalived -t accepted:\n{text}\n{output}");
    }
}
