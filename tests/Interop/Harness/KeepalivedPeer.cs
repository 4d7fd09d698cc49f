using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>keepalived (the Debian package, 2.2.x), VRRP only, in the foreground with its own pid files.</summary>
internal sealed class KeepalivedPeer(InteropLab lab, int port, string name, string ns, string address)
    : Peer(lab, port, name, ns, address)
{
    private LabProcess? _process;

    public override Impl Impl => Impl.Keepalived;

    public string ConfigFile => Path.Combine(Directory, "keepalived.conf");

    public override void Start(InstanceSpec spec) => Start(spec, spec.ToKeepalivedConf(Name));

    /// <summary>Starts it on <paramref name="configuration"/> (keepalived.conf text); <paramref name="spec"/> says what that configures.</summary>
    public override void Start(InstanceSpec spec, string configuration)
    {
        Spec = spec;
        File.WriteAllText(ConfigFile, configuration);
        // -n foreground, -l -D log to the console in detail, -G no syslog, -P VRRP only; pid
        // files of our own so instances in other namespaces never see each other as running.
        _process = Lab.Net.Start(Namespace, Name, "keepalived",
            $"-n -l -D -G -P -f {ConfigFile} -p {Directory}/keepalived.pid -r {Directory}/vrrp.pid " +
            $"-c {Directory}/checkers.pid -b {Directory}/bfd.pid");
    }

    public LabProcess Process => _process ?? throw new InvalidOperationException($"{Name} not started");

    public override PeerState State => StateFromLog(_process);

    public override void Stop()
    {
        if (_process is not null && !_process.Stop(TimeSpan.FromSeconds(10)))
            throw new InvalidOperationException($"{this} did not stop on SIGTERM within 10 s");
    }

    public override string Log => _process?.Output ?? "";

    public override void Dispose() => _process?.Dispose();
}
