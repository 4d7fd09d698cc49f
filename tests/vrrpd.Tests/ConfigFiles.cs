using Vrrp.Keepalived;

namespace vrrpd.Tests;

/// <summary>Configurations for the daemon's tests: the keepalived samples, text loaded through Vrrp.Keepalived.</summary>
internal static class ConfigFiles
{
    /// <summary>The sample configurations of tests/Vrrp.Keepalived.Tests/Samples, copied next to the tests.</summary>
    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    /// <summary>Every sample vrrpd accepts: all but conditional_conf.conf, which needs a config id that leaves an error out.</summary>
    public static TheoryData<string> AcceptedSamples =>
    [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), "*.conf").Select(f => Path.GetFileName(f)).Where(n => n != "conditional_conf.conf").Order(StringComparer.Ordinal)];

    /// <summary>Loads configuration text that must have no error.</summary>
    public static KeepalivedConfig Ok(string text)
    {
        ConfigLoadResult result = ConfigLoader.LoadText(text, "/etc/keepalived/keepalived.conf", new ConfigLoadOptions("testhost"));
        Assert.True(result.Success, "expected no errors, got:\n" + string.Join('\n', result.Diagnostics));
        return result.Config!;
    }
}
