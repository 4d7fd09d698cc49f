using System.Text;

namespace Vrrpd.Commands;

/// <summary><c>vrrpd --help</c>, <c>vrrpd help [COMMAND]</c> and <c>vrrpd --version</c>.</summary>
internal static class Usage
{
    private const string Commands = """
        vrrpd: a VRRPv2/v3 router for Linux that reads keepalived.conf

        usage:
          vrrpd [OPTION...]                      run the daemon, in the foreground
          vrrpd -t [-f FILE] [-i ID]             check a configuration and exit
          vrrpd status [--json] [--control-socket PATH]
                                                 ask the running daemon: every instance's state and counters
          vrrpd inspect FILE [--json]            decode VRRP, ARP and NA frames in a capture
          vrrpd simulate --router NAME:PRIO ...  run a deterministic simulated scenario
          vrrpd demo [--json] [--keep] [--clean] two-router lab in network namespaces: election,
                                                 failover, failback, measured (root)
          vrrpd help [COMMAND]                   this text, or a command's (also: vrrpd COMMAND --help)
        """;

    private const string Footer = """
        signals: SIGTERM, SIGINT stop (each Master sends priority 0 and removes its addresses); SIGHUP reloads;
          SIGUSR1, SIGUSR2, SIGRTMIN+2, SIGRTMAX-1 write keepalived's data, stats, JSON, stats-and-clear dumps;
          every other signal that would end the process is ignored
        manual: vrrpd(8), vrrpd.conf(5)
        """;

    /// <summary>The whole top-level text: commands, every daemon option, keepalived's no-op options.</summary>
    public static string Text { get; } = Build();

    private static string Build()
    {
        var text = new StringBuilder(Commands).Append('\n').Append('\n').Append("daemon options:\n");
        foreach (DaemonOption option in DaemonOptionTable.Options)
            AppendOption(text, option);
        text.Append("accepted from keepalived's command line, no effect:\n");
        foreach (DaemonOption option in DaemonOptionTable.KeepalivedNoOps)
            AppendOption(text, option);
        return text.Append('\n').Append(Footer).ToString();
    }

    private const int Width = 100, TextColumn = 31;

    // "  -f, --use-file FILE   text", the text wrapped at Width under its own column.
    private static void AppendOption(StringBuilder text, DaemonOption option)
    {
        string head = $"  {option.Synopsis}";
        text.Append(head.PadRight(TextColumn - 1));
        int column = Math.Max(head.Length, TextColumn - 1);
        foreach (string word in option.Text.Split(' '))
        {
            if (column + 1 + word.Length > Width && column > TextColumn)
            {
                text.Append('\n').Append(' ', TextColumn - 1);
                column = TextColumn - 1;
            }
            text.Append(' ').Append(word);
            column += 1 + word.Length;
        }
        text.Append('\n');
    }

    public static int Print(TextWriter writer, int exitCode)
    {
        writer.WriteLine(Text);
        return exitCode;
    }

    /// <summary><c>vrrpd help [COMMAND]</c>: a command's own help, else the top-level text.</summary>
    public static int Help(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        string? help = args.Count == 0 ? Text : CommandHelp(args[0]);
        if (help is null)
        {
            errors.WriteLine($"vrrpd help: no command '{args[0]}' (commands: status, inspect, simulate, demo)");
            return 2;
        }
        output.WriteLine(help);
        return 0;
    }

    /// <summary>The help of a command, or null when there is no such command.</summary>
    public static string? CommandHelp(string command) => command switch
    {
        "status" => StatusCommand.Help,
        "inspect" => InspectCommand.Help,
        "simulate" => SimulateCommand.Help,
        "demo" => Demo.DemoOptions.Help,
        _ => null,
    };

    /// <summary>Whether <paramref name="args"/> asks for help: <c>-h</c> or <c>--help</c> anywhere.</summary>
    public static bool AsksForHelp(IEnumerable<string> args) => args.Any(a => a is "-h" or "--help");

    public static int PrintVersion()
    {
        Console.WriteLine($"vrrpd {typeof(Usage).Assembly.GetName().Version?.ToString(3)}");
        return 0;
    }
}
