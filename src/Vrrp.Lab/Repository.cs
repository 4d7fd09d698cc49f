namespace Vrrp.Lab;

/// <summary>
/// Where things are in the vrrpd repository that a test, the interop suite or a bench runs
/// from: its root (the directory holding <see cref="SolutionFile"/>) and the published daemon.
/// </summary>
public static class Repository
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFile = "Vrrp.sln";

    /// <summary>The command, run from the root, that publishes the NativeAOT daemon to <see cref="PublishedVrrpd"/>.</summary>
    public const string PublishCommand = "dotnet publish src/vrrpd -c Release -o artifacts/bin";

    private static readonly Lazy<string> FoundRoot = new(() =>
        Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException($"{SolutionFile} not found above {AppContext.BaseDirectory}"));

    /// <summary>
    /// The repository root: the first directory at or above the running binaries
    /// (<see cref="AppContext.BaseDirectory"/>) that holds <see cref="SolutionFile"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No directory above the binaries holds it.</exception>
    public static string Root => FoundRoot.Value;

    /// <summary>The published NativeAOT daemon below <see cref="Root"/>: artifacts/bin/vrrpd (see <see cref="PublishCommand"/>).</summary>
    /// <exception cref="InvalidOperationException">The root is not found.</exception>
    public static string PublishedVrrpd => PublishedVrrpdUnder(Root);

    /// <summary>
    /// The first directory at or above <paramref name="start"/> that holds
    /// <see cref="SolutionFile"/>, or null when none does.
    /// </summary>
    public static string? Find(string start)
    {
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
                return directory.FullName;
        }
        return null;
    }

    /// <summary>Where <see cref="PublishCommand"/> puts the daemon in the repository at <paramref name="root"/>: artifacts/bin/vrrpd.</summary>
    public static string PublishedVrrpdUnder(string root) => Path.Combine(root, "artifacts", "bin", "vrrpd");

    /// <summary>
    /// Whether <paramref name="file"/> (the published daemon, say) exists and was written no
    /// earlier than every source and project file (*.cs, *.csproj) under the src directory of
    /// the repository at <paramref name="root"/>, build output (bin, obj) left out: a binary
    /// built from those sources is then not stale.
    /// </summary>
    public static bool IsNewerThanSources(string root, string file)
    {
        if (!File.Exists(file))
            return false;
        DateTime newestSource = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        return File.GetLastWriteTimeUtc(file) >= newestSource;
    }
}
