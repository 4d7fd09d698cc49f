namespace Vrrp.Interop.Tests.Harness;

/// <summary>Where things are: the repository, the published daemon, the peers' programs.</summary>
internal static class Repo
{
    /// <summary>The repository root: the first directory above the test binaries holding Vrrp.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The published NativeAOT daemon (<c>dotnet publish src/vrrpd -c Release -o artifacts/bin</c>), or $VRRPD_BIN.</summary>
    public static string Vrrpd => Environment.GetEnvironmentVariable("VRRPD_BIN") is { Length: > 0 } path
        ? path
        : Path.Combine(Root, "artifacts", "bin", "vrrpd");

    /// <summary>Where failed scenarios leave their logs and captures, and where the results table goes.</summary>
    public static string Artifacts => Path.Combine(Root, "artifacts");

    public const string FrrDaemons = "/usr/lib/frr";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vrrp.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Vrrp.sln above {AppContext.BaseDirectory}");
    }
}
