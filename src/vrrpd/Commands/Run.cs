namespace Vrrpd.Commands;

/// <summary><c>vrrpd [options]</c>: the daemon's command line (keepalived's options).</summary>
internal static class Run
{
    public static int Execute(string[] args)
    {
        if (Usage.AsksForHelp(args))
            return Usage.Print(Console.Out, 0);
        if (args.Any(a => a is "-v" or "--version"))
            return Usage.PrintVersion();
        if (!DaemonOptions.TryParse(args, out DaemonOptions options, out string? error))
        {
            Console.Error.WriteLine($"vrrpd: {error}");
            return Usage.Print(Console.Error, 2);
        }
        if (options.ConfigTest)
            return ConfigTest.Run(options, Console.Out, Console.Error);
        return DaemonCommand.Run(options);
    }
}
