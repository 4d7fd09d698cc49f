namespace Vrrpd.Commands;

internal static class Usage
{
    private const string Text = """
        vrrpd: a VRRPv2/v3 router for Linux that reads keepalived.conf

        usage:
          vrrpd [-f FILE] [-n] [--control-socket PATH] [--pid-file PATH]   run the daemon
          vrrpd -t [-f FILE] [-i ID]             check a configuration and exit
          vrrpd status [--json] [--control-socket PATH]
          vrrpd inspect FILE.pcap [--json]       decode VRRP, ARP and NA frames in a capture
          vrrpd simulate --router NAME:PRIO ...  run a deterministic simulated scenario
          vrrpd demo [--json] [--keep] [--clean] two-router lab in network namespaces: election,
                                                 failover, failback, measured (root; --help)
          vrrpd --version
        """;

    public static int Print(TextWriter writer, int exitCode)
    {
        writer.WriteLine(Text);
        return exitCode;
    }

    public static int PrintVersion()
    {
        Console.WriteLine($"vrrpd {typeof(Usage).Assembly.GetName().Version?.ToString(3)}");
        return 0;
    }
}
