using System.Globalization;
using System.Text;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>One row of the interop table: a scenario with one pairing of implementations.</summary>
internal sealed class ResultRow
{
    public required string Scenario { get; init; }
    public required int Version { get; init; }
    public required string Family { get; init; }
    public required string Mode { get; init; }

    /// <summary>The router expected to be master first (the higher priority, or the higher address).</summary>
    public required Impl First { get; init; }
    public required Impl Second { get; init; }

    /// <summary>What the first router is in the scenario: "master" unless the scenario says otherwise.</summary>
    public string FirstRole { get; init; } = "master";
    public string SecondRole { get; init; } = "backup";

    /// <summary>How the pair ended, in a few words (for the short table).</summary>
    public string Outcome { get; set; } = "one master at every step";

    /// <summary>Everything measured and observed, in words.</summary>
    public List<string> Figures { get; } = [];

    /// <summary>Takeover times, each "what measured ≤ bound", for the short table.</summary>
    public List<string> Takeovers { get; } = [];
    public string Result { get; set; } = "not finished";

    public string Roles => $"{Name(First)} {FirstRole}, {Name(Second)} {SecondRole}";

    /// <summary>The peer vrrpd is tested against: the other implementation, or the pair itself when vrrpd is absent (a lab check) or on both sides.</summary>
    public string Peer => (First, Second) switch
    {
        (Impl.Vrrpd, Impl.Vrrpd) => "vrrpd",
        (Impl.Vrrpd, _) => Name(Second),
        (_, Impl.Vrrpd) => Name(First),
        _ => $"{Name(First)} + {Name(Second)} (lab check, no vrrpd)",
    };

    /// <summary>Whether vrrpd is absent from the pair: a check of the lab itself.</summary>
    public bool IsLabCheck => First != Impl.Vrrpd && Second != Impl.Vrrpd;

    public static string Name(Impl impl) => impl switch
    {
        Impl.Vrrpd => "vrrpd",
        Impl.Keepalived => "keepalived 2.2.7",
        Impl.Frr => "FRR 8.4",
        _ => impl.ToString(),
    };
}

/// <summary>
/// The interop table of this run, rewritten to artifacts/interop-results.md after every
/// scenario (so it is complete when the run ends, whichever test ends last);
/// scripts/interop-table.sh copies it into README.md.
/// </summary>
internal static class Results
{
    private static readonly List<ResultRow> s_rows = [];
    private static readonly DateTime s_started = DateTime.UtcNow;

    public static string File => Path.Combine(Repo.Artifacts, "interop-results.md");

    public static void Add(ResultRow row)
    {
        lock (s_rows)
        {
            s_rows.Add(row);
            Directory.CreateDirectory(Repo.Artifacts);
            System.IO.File.WriteAllText(File, Render());
        }
    }

    private static string Render()
    {
        var text = new StringBuilder();
        // vrrpd's rows first; the lab checks (no vrrpd) show that the lab and the assertions hold for keepalived and FRR themselves.
        var rows = s_rows.OrderBy(r => r.IsLabCheck).ThenBy(r => r.Scenario, StringComparer.Ordinal).ThenBy(r => r.Version).ThenBy(r => r.Peer, StringComparer.Ordinal).ThenBy(r => r.Roles, StringComparer.Ordinal).ToList();
        int passed = rows.Count(r => r.Result == "pass");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Last run {s_started:yyyy-MM-dd HH:mm} UTC (`dotnet test tests/Interop`): {passed} of {rows.Count} scenario runs passed. " +
            $"Takeover times are read off a capture on the LAN bridge; the bound is the RFC timer " +
            $"(Master_Down_Interval after silence, Skew_Time after priority 0) plus {Timing.Ms(Timing.Margin)}.");
        text.AppendLine();
        text.AppendLine("| Scenario | Peer | Version | Family | Mode | Roles | Result | Outcome | Takeover, measured ≤ bound (ms) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (ResultRow r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Peer} | v{r.Version} | {r.Family} | {r.Mode} | {r.Roles} | {Escape(r.Result)} | {Escape(r.Outcome)} | {Escape(string.Join("; ", r.Takeovers))} |");
        }
        text.AppendLine();
        text.AppendLine("<details><summary>Everything each run measured and observed</summary>");
        text.AppendLine();
        text.AppendLine("| Scenario | Version | Roles | Observed |");
        text.AppendLine("|---|---|---|---|");
        foreach (ResultRow r in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | v{r.Version} {r.Family} | {r.Roles} | {Escape(string.Join("; ", r.Figures))} |");
        text.AppendLine();
        text.AppendLine("</details>");
        return text.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
