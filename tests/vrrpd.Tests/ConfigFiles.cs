using Vrrp.Keepalived;

namespace vrrpd.Tests;

/// <summary>Configurations for the daemon's tests: the repository, the keepalived samples, text loaded through Vrrp.Keepalived.</summary>
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

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vrrp.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Vrrp.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary directory for configuration files, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vrrpd-config-" + Guid.NewGuid().ToString("N"));

    public string Write(string relative, string text)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
