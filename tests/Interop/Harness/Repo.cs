using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>Where things are: the published daemon, the results, the peers' programs (the repository root is <see cref="Repository.Root"/>).</summary>
internal static class Repo
{
    /// <summary>The published NativeAOT daemon (<see cref="Repository.PublishedVrrpd"/>), or $VRRPD_BIN.</summary>
    public static string Vrrpd => Environment.GetEnvironmentVariable("VRRPD_BIN") is { Length: > 0 } path
        ? path
        : Repository.PublishedVrrpd;

    /// <summary>Where failed scenarios leave their logs and captures, and where the results table goes.</summary>
    public static string Artifacts => Path.Combine(Repository.Root, "artifacts");

    public const string FrrDaemons = "/usr/lib/frr";
}
