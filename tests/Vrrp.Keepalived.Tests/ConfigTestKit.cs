using Vrrp.Keepalived;

namespace Vrrp.Keepalived.Tests;

/// <summary>Loading configuration text in tests, with assertions on the outcome.</summary>
internal static class ConfigTestKit
{
    public const string FileName = "/etc/keepalived/keepalived.conf";

    public static ConfigLoadResult Load(string text, string configId = "testhost") =>
        ConfigLoader.LoadText(text, FileName, new ConfigLoadOptions(configId));

    public static KeepalivedConfig Ok(string text, string configId = "testhost")
    {
        ConfigLoadResult result = Load(text, configId);
        Assert.True(result.Success, "expected no errors, got:\n" + string.Join('\n', result.Diagnostics));
        return result.Config!;
    }

    /// <summary>A one-instance configuration: <paramref name="body"/> goes inside vrrp_instance VI_1 after a working minimum.</summary>
    public static string Instance(string body, string before = "") => $$"""
        {{before}}
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            virtual_ipaddress {
                192.168.1.1
            }
        {{body}}
        }
        """;

    public static VrrpInstanceConfig OkInstance(string body, string before = "") => Ok(Instance(body, before)).Instances.Single();

    public static IReadOnlyList<ConfigDiagnostic> Errors(string text) => [.. Load(text).Errors];

    public static IReadOnlyList<ConfigDiagnostic> Warnings(string text) => [.. Load(text).Warnings];

    /// <summary>Asserts that loading fails with an error at <paramref name="line"/> whose text contains <paramref name="fragment"/>.</summary>
    public static ConfigDiagnostic AssertError(string text, int line, string fragment)
    {
        ConfigLoadResult result = Load(text);
        Assert.False(result.Success, "expected an error containing: " + fragment);
        ConfigDiagnostic? match = result.Errors.FirstOrDefault(d => d.Message.Contains(fragment, StringComparison.Ordinal));
        Assert.True(match is not null, $"no error contains '{fragment}'; got:\n" + string.Join('\n', result.Diagnostics));
        Assert.Equal(FileName, match!.Location.File);
        Assert.Equal(line, match.Location.Line);
        Assert.StartsWith($"{FileName}:{line}: ", match.ToString(), StringComparison.Ordinal);
        return match;
    }

    public static ConfigDiagnostic AssertWarning(string text, string fragment)
    {
        ConfigLoadResult result = Load(text);
        ConfigDiagnostic? match = result.Warnings.FirstOrDefault(d => d.Message.Contains(fragment, StringComparison.Ordinal));
        Assert.True(match is not null, $"no warning contains '{fragment}'; got:\n" + string.Join('\n', result.Diagnostics));
        return match!;
    }

    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);
}
