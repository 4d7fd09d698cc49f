using System.Collections;
using System.Reflection;
using Vrrp.Lab;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// docs/man/vrrpd.conf.5 against the keyword tables: every table (found by reflection, so a new
/// block's table is checked too) has a subsection titled with its block name, and every keyword
/// of it is an item there, described as what it is (an ignored keyword's text starts with
/// "Ignored", a refused one's with "Refused").
/// </summary>
public sealed class ManualTests
{
    private static readonly string ManPath = Path.Combine(Repository.Root, "docs", "man", "vrrpd.conf.5");

    private sealed record Table(string Block, string[] Supported, string[] Ignored, string[] Refused)
    {
        public IEnumerable<string> All => Supported.Concat(Ignored).Concat(Refused);
    }

    // Every static KeywordTable<T> of the library: properties' backing fields and private fields alike.
    private static List<Table> KeywordTables()
    {
        const BindingFlags statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        Type generic = typeof(ConfigLoader).Assembly.GetTypes().Single(t => t.Name == "KeywordTable`1");
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var tables = new List<Table>();
        foreach (Type type in typeof(ConfigLoader).Assembly.GetTypes())
        {
            foreach (FieldInfo field in type.GetFields(statics))
            {
                if (!field.FieldType.IsGenericType || field.FieldType.GetGenericTypeDefinition() != generic)
                    continue;
                if (field.GetValue(null) is not { } table || !seen.Add(table))
                    continue;
                string[] Names(string property) => [.. ((IEnumerable)field.FieldType.GetProperty(property)!.GetValue(table)!).Cast<string>()];
                tables.Add(new Table((string)field.FieldType.GetProperty("BlockName")!.GetValue(table)!, Names("Supported"), Names("Ignored"), Names("Refused")));
            }
        }
        return tables;
    }

    [Fact]
    public void The_tables_are_found()
    {
        Assert.Superset(
            new HashSet<string> { "top level", "global_defs", "vrrp_script", "vrrp_instance", "authentication", "vrrp_sync_group" },
            KeywordTables().Select(t => t.Block).ToHashSet());
    }

    [Fact]
    public void Every_keyword_of_every_table_is_in_vrrpd_conf_5_under_its_block_as_what_it_is()
    {
        ManPage page = ManPage.Load(ManPath);
        var problems = new List<string>();
        foreach (Table table in KeywordTables())
        {
            if (page.Section(table.Block) is not ManSection section)
            {
                problems.Add($"no subsection '.SS {table.Block}' for the keywords of that block: {string.Join(", ", table.All)}");
                continue;
            }
            // keyword -> the text of the item that lists it
            var described = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (ManItem item in section.Items)
                foreach (string name in item.Names)
                    described.TryAdd(name, item.Body);

            foreach (string keyword in table.All)
            {
                if (!described.TryGetValue(keyword, out string? text))
                {
                    problems.Add($"{table.Block}: keyword '{keyword}' is not listed");
                    continue;
                }
                string kind = table.Ignored.Contains(keyword) ? "Ignored" : table.Refused.Contains(keyword) ? "Refused" : "supported";
                bool startsIgnored = text.StartsWith("Ignored", StringComparison.Ordinal);
                bool startsRefused = text.StartsWith("Refused", StringComparison.Ordinal);
                bool right = kind switch
                {
                    "Ignored" => startsIgnored,
                    "Refused" => startsRefused,
                    _ => !startsIgnored && !startsRefused,
                };
                if (!right)
                    problems.Add($"{table.Block}: keyword '{keyword}' is {kind} but its text reads \"{Shorten(text)}\"");
            }
            foreach (string name in described.Keys.Where(n => !table.All.Contains(n)))
                problems.Add($"{table.Block}: '{name}' is listed but is no keyword of the block");
        }
        Assert.True(problems.Count == 0, $"{ManPath}:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void The_parser_of_the_test_reads_items_heads_and_kinds()
    {
        ManPage page = ManPage.Parse("""
            .SH KEYWORDS
            .SS "Top level"
            .TP
            .BI vrrp_script " name" " { ... }"
            A track script.
            .TP
            .B virtual_server, SSL
            Ignored: LVS.
            .TP
            .BI notify_master " command"
            .TQ
            .BI notify " command"
            Run.
            """.Split('\n'));
        ManSection section = page.Section("top level")!;
        Assert.Equal(["vrrp_script", "virtual_server", "SSL", "notify_master", "notify"], section.Items.SelectMany(i => i.Names));
        Assert.Equal(["A track script.", "Ignored: LVS.", "Run."], section.Items.Select(i => i.Body));
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
