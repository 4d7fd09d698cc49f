using Vrrpd.Commands;

namespace Vrrpd;

internal static class Program
{
    private static int Main(string[] args) => args switch
    {
        ["-h" or "--help", ..] => Usage.Print(Console.Out, 0),
        ["help", .. var rest] => Usage.Help(rest, Console.Out, Console.Error),
        ["-v" or "--version" or "version", ..] => Usage.PrintVersion(),
        ["inspect", .. var rest] => InspectCommand.Run(rest, Console.Out, Console.Error),
        ["simulate", .. var rest] => SimulateCommand.Run(rest, Console.Out, Console.Error),
        ["status", .. var rest] => StatusCommand.Run(rest, Console.Out, Console.Error),
        ["demo", .. var rest] => DemoCommand.Run(rest, Console.Out, Console.Error),
        _ => Run.Execute(args),
    };
}
