using Vrrp.Keepalived;
using Vrrpd.Daemon;

namespace Vrrpd.Commands;

/// <summary><c>vrrpd -t</c>: reads the configuration, lists every finding, exits 0 only when it can run.</summary>
internal static class ConfigTest
{
    public static int Run(DaemonOptions options, TextWriter output, TextWriter errors)
    {
        string path = options.ResolveConfigFile(File.Exists);
        DaemonConfiguration? loaded = DaemonConfiguration.Read(path, new ConfigLoadOptions(options.ConfigId), out IReadOnlyList<ConfigDiagnostic> diagnostics);

        TextWriter findings = errors;
        StreamWriter? file = null;
        if (options.ConfigTestOutput is string outputPath)
        {
            try
            {
                file = new StreamWriter(outputPath, append: false);
                findings = file;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.WriteLine($"vrrpd: cannot write {outputPath}: {e.Message}");
                return 2;
            }
        }
        using (file)
        {
            foreach (ConfigDiagnostic diagnostic in diagnostics)
                findings.WriteLine(diagnostic);
        }

        int warnings = diagnostics.Count(d => !d.IsError);
        if (loaded?.Config is KeepalivedConfig config)
        {
            output.WriteLine($"vrrpd: {path}: configuration OK: {Count(config.Instances.Count, "instance")}, " +
                $"{Count(config.Scripts.Count, "script")}, {Count(config.SyncGroups.Count, "sync group")}, {Count(warnings, "warning")}");
            return 0;
        }
        errors.WriteLine($"vrrpd: {path}: {Count(diagnostics.Count(d => d.IsError), "error")}, {Count(warnings, "warning")}; the configuration cannot be used");
        return 1;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
