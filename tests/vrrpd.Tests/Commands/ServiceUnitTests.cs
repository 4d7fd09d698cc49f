using Vrrp.Lab;

namespace vrrpd.Tests.Commands;

/// <summary>contrib/vrrpd.service: what the issue asks of the systemd unit.</summary>
public sealed class ServiceUnitTests
{
    private static Dictionary<string, string> Service()
    {
        var settings = new Dictionary<string, string>();
        foreach (string line in File.ReadAllLines(Path.Combine(Repository.Root, "contrib", "vrrpd.service")))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals < 0) continue;
            settings[line[..equals]] = line[(equals + 1)..];
        }
        return settings;
    }

    [Fact]
    public void Unit_grants_only_CAP_NET_RAW_and_CAP_NET_ADMIN_and_runs_in_the_foreground_with_sd_notify()
    {
        Dictionary<string, string> unit = Service();
        string[] capabilities = ["CAP_NET_ADMIN", "CAP_NET_RAW"];
        Assert.Equal(capabilities, unit["AmbientCapabilities"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal(capabilities, unit["CapabilityBoundingSet"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal("notify", unit["Type"]);
        // The Debian package's paths: the binary and its configuration file (a conffile).
        Assert.Equal(["/usr/sbin/vrrpd", "-f", "/etc/vrrpd/vrrpd.conf"], unit["ExecStart"].Split(' '));
        Assert.Contains("-HUP", unit["ExecReload"], StringComparison.Ordinal);
    }
}
