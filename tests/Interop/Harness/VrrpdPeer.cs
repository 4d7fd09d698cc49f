using System.Text.Json;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>The published vrrpd binary, run on the very keepalived.conf a keepalived peer would get.</summary>
internal sealed class VrrpdPeer(InteropLab lab, int port, string name, string ns, string address)
    : Peer(lab, port, name, ns, address)
{
    private VrrpdProcess? _daemon;

    public override Impl Impl => Impl.Vrrpd;

    public override void Start(InstanceSpec spec) => Start(spec, spec.ToKeepalivedConf(Name));

    /// <summary>Starts it on <paramref name="configuration"/> (keepalived.conf text, written to vrrpd.conf); <paramref name="spec"/> says what that configures.</summary>
    public override void Start(InstanceSpec spec, string configuration)
    {
        Spec = spec;
        if (!File.Exists(Repo.Vrrpd))
            throw new InvalidOperationException($"{Repo.Vrrpd} is missing: {Repository.PublishCommand}");
        _daemon = VrrpdProcess.Start(Repo.Vrrpd, Namespace, Directory, "vrrpd", configuration);
    }

    public VrrpdProcess Daemon => _daemon ?? throw new InvalidOperationException($"{Name} not started");

    public LabProcess Process => Daemon.Process;

    public override PeerState State => StateFromLog(_daemon?.Process);

    public override void Stop()
    {
        if (_daemon is not null && !_daemon.Stop(TimeSpan.FromSeconds(10)))
            throw new InvalidOperationException($"{this} did not stop on SIGTERM within 10 s");
    }

    /// <summary><c>vrrpd status --json</c>, the object of instance <paramref name="instance"/> (the only one when null).</summary>
    public JsonElement Status(string? instance = null) => Daemon.Instance(instance);

    /// <summary>
    /// A counter of <see cref="Status"/>: the first number whose property name, compared without
    /// underscores and case, equals <paramref name="name"/>, searched through nested objects
    /// (counters, rejections by reason). Null when there is none.
    /// </summary>
    public long? Counter(string name, string? instance = null) => Find(Status(instance), Normalize(name));

    private static long? Find(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number && Normalize(property.Name) == name)
                return property.Value.GetInt64();
            if (Find(property.Value, name) is long found)
                return found;
        }
        return null;
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    public override string Log => _daemon?.Output ?? "";

    public override void Dispose() => _daemon?.Dispose();
}
