using System.Globalization;
using Vrrp.Core.Wire;

namespace Vrrpd.Demo;

/// <summary>The flags of <c>vrrpd demo</c>.</summary>
internal sealed record DemoOptions
{
    public const string Help = """
        usage: vrrpd demo [--version 2|3] [--advert-ms MS] [--json] [--keep] | --clean

        As root: builds a LAN of network namespaces (routers r1 and r2, a host, a bridge), runs
        two vrrpd processes on it, and shows the election, a cable cut with the takeover and its
        measured time, the cable back with the preemption, and the host reaching the virtual
        address throughout (an ICMP echo every 10 ms). Removes everything it made at the end,
        also on Ctrl-C or failure; exit status 0 when every check passed.

          --version 2|3     VRRP version (default 3)
          --advert-ms MS    advertisement interval (default 100 for VRRPv3, in 10 ms steps;
                            1000 for VRRPv2, in whole seconds)
          --json            one JSON document with every measurement instead of the text
          --keep            leave the lab and the daemons running at the end, to explore
          --clean           only remove labs left by demos that are gone (--keep, kill -9)
          -h, --help        this text
        """;

    public VrrpVersion Version { get; init; } = VrrpVersion.V3;
    public int AdvertMilliseconds { get; init; } = 100;
    public bool Json { get; init; }
    public bool Keep { get; init; }
    public bool CleanOnly { get; init; }
    public bool ShowHelp { get; init; }

    public TimeSpan AdvertInterval => TimeSpan.FromMilliseconds(AdvertMilliseconds);

    public static bool TryParse(IReadOnlyList<string> args, out DemoOptions options, out string? error)
    {
        options = new DemoOptions();
        error = null;
        int? version = null, advert = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    options = options with { ShowHelp = true };
                    return true;
                case "--json":
                    options = options with { Json = true };
                    break;
                case "--keep":
                    options = options with { Keep = true };
                    break;
                case "--clean":
                    options = options with { CleanOnly = true };
                    break;
                case "--version" or "--advert-ms":
                    if (i + 1 == args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                    {
                        error = $"{arg} needs a number";
                        return false;
                    }
                    i++;
                    if (arg == "--version")
                        version = value;
                    else
                        advert = value;
                    break;
                default:
                    error = $"unknown flag '{arg}'";
                    return false;
            }
        }
        if (version is not (null or 2 or 3))
        {
            error = $"--version is 2 or 3, not {version}";
            return false;
        }
        VrrpVersion v = version == 2 ? VrrpVersion.V2 : VrrpVersion.V3;
        int ms = advert ?? (v == VrrpVersion.V2 ? 1000 : 100);
        // keepalived's ranges: VRRPv2 advert_int in whole seconds 1..255, VRRPv3 in centiseconds 1..4095.
        if (v == VrrpVersion.V2 && (ms % 1000 != 0 || ms < 1000 || ms > 255_000))
        {
            error = $"--advert-ms {ms}: VRRPv2 advertises in whole seconds, 1000 to 255000";
            return false;
        }
        if (v == VrrpVersion.V3 && (ms % 10 != 0 || ms < 10 || ms > 40_950))
        {
            error = $"--advert-ms {ms}: VRRPv3 advertises in 10 ms steps, 10 to 40950";
            return false;
        }
        if (options.CleanOnly && (options.Keep || options.Json || version is not null || advert is not null))
        {
            error = "--clean takes no other flag";
            return false;
        }
        options = options with { Version = v, AdvertMilliseconds = ms };
        return true;
    }
}
