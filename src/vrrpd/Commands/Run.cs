using Vrrpd.Daemon;
using Vrrpd.Logging;

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
        if (options.Signum is { } name)
            return Signum(name, Console.Out, Console.Error);
        if (options.LogFacility is { } facility && SyslogSink.ParseFacility(facility) < 0)
        {
            Console.Error.WriteLine($"vrrpd: invalid log facility '{facility}' (0-7, local0-local7, user, daemon)");
            return Usage.Print(Console.Error, 2);
        }
        if (options.ConfigTest)
            return ConfigTest.Run(options, Console.Out, Console.Error);
        return DaemonCommand.Run(options);
    }

    /// <summary><c>--signum=NAME</c>: the number keepalived prints for NAME (exit 0), or "Unknown sigfunc" (exit 1).</summary>
    public static int Signum(string name, TextWriter output, TextWriter error)
    {
        if (DaemonSignals.Number(name) is not int number)
        {
            error.WriteLine($"Unknown sigfunc {name}");
            return 1;
        }
        output.WriteLine(number);
        return 0;
    }
}
