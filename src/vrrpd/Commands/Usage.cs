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
          vrrpd --signum=NAME                    print the signal number for STOP, RELOAD, DATA, STATS,
                                                 STATS_CLEAR or JSON (as keepalived --signum)
          vrrpd --version

        daemon options (keepalived's -n -l -D -P -R -m are accepted):
          -f, --use-file FILE       configuration (default /etc/vrrpd/vrrpd.conf, else /etc/keepalived/keepalived.conf)
          -i, --config-id ID        the id @ID lines are kept for
          --control-socket PATH     control socket for vrrpd status (default /run/vrrpd/vrrpd.sock)
          -p, --pid-file PATH       write the pid there
          -D, --log-detail          debug lines too
          --dump-dir DIR            where SIGUSR1/SIGUSR2/SIGRTMIN+2/SIGRTMAX-1 write their dumps
                                    (default $TMPDIR if absolute, else /tmp)
          --keepalived-dump-names   name the dumps keepalived.data/.stats/.json instead of vrrpd.*
          --syslog-ident IDENT      log to syslog with that tag (Keepalived_vrrp: journalctl -t Keepalived_vrrp
                                    finds the lines); stderr then only with -l
          --syslog                  log to syslog with the tag vrrpd
          --syslog-socket PATH      the syslog socket (default /dev/log)
          -S, --log-facility F      syslog facility: 0-7 or local0-local7, user, daemon (default)
          -G, --no-syslog           no syslog
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
