using System.Text.Json;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>One frame of a capture as <c>vrrpd inspect --json</c> decodes it (VRRP, gratuitous ARP, NA).</summary>
internal sealed record WireFrame(
    DateTime Time, string Kind, bool Valid, string? Error, string? SourceMac, string? Source, string? Destination,
    int? Version, int? Vrid, int? Priority, int? IntervalCs, IReadOnlyList<string> Addresses, string? Checksum,
    string? AuthType, string? AuthPass)
{
    public bool IsAdvert => Kind == "vrrp";

    public override string ToString() =>
        $"{Time:HH:mm:ss.fff} {Kind} {Source} {(IsAdvert ? $"v{Version} vrid {Vrid} prio {Priority} int {IntervalCs}cs {Checksum}" : SourceMac)}{(Valid ? "" : $" INVALID {Error}")}";
}

/// <summary>A decoded capture and the timings read off it.</summary>
internal sealed class WireLog
{
    private WireLog(string file, IReadOnlyList<WireFrame> frames)
    {
        File = file;
        Frames = frames;
    }

    public string File { get; }
    public IReadOnlyList<WireFrame> Frames { get; }

    /// <summary>Decodes <paramref name="pcap"/> with the published <c>vrrpd inspect --json</c>.</summary>
    public static WireLog Read(string pcap)
    {
        var (exitCode, stdout, stderr) = NetnsLab.RunCaptured(Repo.Vrrpd, $"inspect {pcap} --json");
        // inspect exits non-zero when a frame is invalid; the frames are still listed.
        if (exitCode != 0 && stdout.Length == 0)
            throw new InvalidOperationException($"vrrpd inspect {pcap} exited {exitCode}: {stderr}");
        var frames = new List<WireFrame>();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            JsonElement f = json.RootElement;
            frames.Add(new WireFrame(
                f.GetProperty("time").GetDateTime().ToUniversalTime(),
                f.GetProperty("kind").GetString()!,
                f.GetProperty("valid").GetBoolean(),
                Str(f, "error"), Str(f, "source_mac"), Str(f, "source"), Str(f, "destination"),
                Int(f, "version"), Int(f, "vrid"), Int(f, "priority"), Int(f, "interval_cs"),
                f.TryGetProperty("addresses", out JsonElement a) && a.ValueKind == JsonValueKind.Array
                    ? [.. a.EnumerateArray().Select(e => e.GetString()!)]
                    : [],
                Str(f, "checksum"), Str(f, "auth_type"), Str(f, "auth_pass")));
        }
        return new WireLog(pcap, frames);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    /// <summary>Advertisements, optionally only those from <paramref name="source"/>.</summary>
    public IEnumerable<WireFrame> Adverts(string? source = null) =>
        Frames.Where(f => f.IsAdvert && (source is null || NetnsLab.SameAddress(f.Source!, source)));

    /// <summary>The first advertisement from <paramref name="source"/> after <paramref name="after"/> (and matching <paramref name="filter"/>).</summary>
    public WireFrame FirstAdvert(string source, DateTime after, Func<WireFrame, bool>? filter = null) =>
        Adverts(source).FirstOrDefault(f => f.Time > after && (filter is null || filter(f)))
        ?? throw new InvalidOperationException($"no advertisement from {source} after {after:HH:mm:ss.fff} in {File}:\n{Tail()}");

    /// <summary>The last advertisement with a non-zero priority from <paramref name="source"/> before <paramref name="before"/>.</summary>
    public WireFrame LastAdvert(string source, DateTime before) =>
        Adverts(source).LastOrDefault(f => f.Time < before && f.Priority > 0)
        ?? throw new InvalidOperationException($"no advertisement from {source} before {before:HH:mm:ss.fff} in {File}:\n{Tail()}");

    /// <summary>
    /// A takeover after a master fell silent at <paramref name="failure"/>: from its last
    /// advertisement to the first one of <paramref name="newMaster"/>, which is what the backup's
    /// Master_Down timer measures (RFC 5798 6.4.2).
    /// </summary>
    public TimeSpan SilentTakeover(string oldMaster, string newMaster, DateTime failure)
    {
        WireFrame first = FirstAdvert(newMaster, failure);
        WireFrame last = LastAdvert(oldMaster, first.Time);
        return first.Time - last.Time;
    }

    /// <summary>A handover announced by priority 0 from <paramref name="oldMaster"/> after <paramref name="after"/>: from that advertisement to the first one of <paramref name="newMaster"/>.</summary>
    public TimeSpan PriorityZeroTakeover(string oldMaster, string newMaster, DateTime after)
    {
        WireFrame zero = FirstAdvert(oldMaster, after, f => f.Priority == 0);
        WireFrame first = FirstAdvert(newMaster, zero.Time);
        return first.Time - zero.Time;
    }

    /// <summary>Sources of advertisements (non-zero priority) seen in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public IReadOnlyList<string> AdvertSources(DateTime from, DateTime to) =>
        [.. Adverts().Where(f => f.Time >= from && f.Time <= to && f.Priority > 0).Select(f => f.Source!).Distinct()];

    /// <summary>The last frames, for failure messages.</summary>
    public string Tail(int count = 40) => string.Join('\n', Frames.TakeLast(count));
}
