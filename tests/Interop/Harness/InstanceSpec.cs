using System.Globalization;
using System.Text;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>A track script: <see cref="Path"/> is run every <see cref="IntervalSeconds"/>.</summary>
internal sealed record TrackScriptSpec(string Name, string Path, int IntervalSeconds, int TimeoutSeconds, int Fall, int Rise);

/// <summary>
/// One VRRP instance as a test wants it, written as keepalived.conf (which vrrpd reads
/// unchanged: that is the point) or as FRR vtysh commands.
/// </summary>
internal sealed record InstanceSpec
{
    public string Name { get; init; } = "vi";
    public string Interface { get; init; } = "eth0";
    public int Vrid { get; init; } = 4;
    public int Priority { get; init; } = 100;
    public int Version { get; init; } = 3;
    public double AdvertSeconds { get; init; } = 1;
    public bool Preempt { get; init; } = true;
    public bool StartAsMaster { get; init; }

    /// <summary>Virtual addresses with their prefix length (<c>10.77.0.4/24</c>); the first is the primary one.</summary>
    public IReadOnlyList<string> Vips { get; init; } = [];
    public string? AuthPass { get; init; }
    public string? UnicastSource { get; init; }
    public IReadOnlyList<string> UnicastPeers { get; init; } = [];
    public int? GarpMasterDelay { get; init; }

    /// <summary>vrrpd only: <c>strict_address_check</c>, drop a VRRPv3 advertisement whose address list differs (keepalived's default).</summary>
    public bool StrictAddressCheck { get; init; }

    /// <summary>vrrpd only: send the RFC 9568 (message only) VRRPv3 checksum.</summary>
    public bool ChecksumMessageOnly { get; init; }
    public TrackScriptSpec? Track { get; init; }

    /// <summary>A script given to <c>notify</c> (keepalived's four arguments).</summary>
    public string? Notify { get; init; }

    /// <summary>The addresses without prefix length.</summary>
    public IEnumerable<string> VipAddresses => Vips.Select(v => v.Split('/')[0]);

    public bool IsIpv6 => Vips.Count > 0 && Vips[0].Contains(':', StringComparison.Ordinal);

    /// <summary>The configuration in keepalived.conf syntax.</summary>
    public string ToKeepalivedConf(string routerId)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $$"""
            global_defs {
                router_id {{routerId}}
                script_user root
            }
            """);
        if (Track is { } track)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $$"""
                vrrp_script {{track.Name}} {
                    script "{{track.Path}}"
                    interval {{track.IntervalSeconds}}
                    timeout {{track.TimeoutSeconds}}
                    fall {{track.Fall}}
                    rise {{track.Rise}}
                }
                """);
        }
        text.AppendLine(CultureInfo.InvariantCulture, $$"""
            vrrp_instance {{Name}} {
                state {{(StartAsMaster ? "MASTER" : "BACKUP")}}
                interface {{Interface}}
                virtual_router_id {{Vrid}}
                priority {{Priority}}
                version {{Version}}
                advert_int {{AdvertSeconds.ToString("0.###", CultureInfo.InvariantCulture)}}
                {{(Preempt ? "preempt" : "nopreempt")}}
            """);
        if (GarpMasterDelay is int delay)
            text.AppendLine(CultureInfo.InvariantCulture, $"    garp_master_delay {delay}");
        if (ChecksumMessageOnly)
            text.AppendLine("    v3_checksum_as_v2");
        if (StrictAddressCheck)
            text.AppendLine("    strict_address_check");
        if (AuthPass is not null)
            text.AppendLine(CultureInfo.InvariantCulture, $"    authentication {{\n        auth_type PASS\n        auth_pass {AuthPass}\n    }}");
        if (UnicastSource is not null)
            text.AppendLine(CultureInfo.InvariantCulture, $"    unicast_src_ip {UnicastSource}");
        if (UnicastPeers.Count > 0)
            text.AppendLine(CultureInfo.InvariantCulture, $"    unicast_peer {{\n{string.Join('\n', UnicastPeers.Select(p => $"        {p}"))}\n    }}");
        text.AppendLine(CultureInfo.InvariantCulture, $"    virtual_ipaddress {{\n{string.Join('\n', Vips.Select(v => $"        {v}"))}\n    }}");
        if (Track is not null)
            text.AppendLine(CultureInfo.InvariantCulture, $"    track_script {{\n        {Track.Name}\n    }}");
        if (Notify is not null)
            text.AppendLine(CultureInfo.InvariantCulture, $"    notify \"{Notify}\"");
        text.AppendLine("}");
        return text.ToString();
    }

    /// <summary>The same instance as FRR vtysh configuration commands (FRR 8.4), for interface <see cref="Interface"/>.</summary>
    public IReadOnlyList<string> ToFrrCommands()
    {
        if (AuthPass is not null || UnicastPeers.Count > 0 || Track is not null || IsIpv6)
            throw new NotSupportedException("the FRR peer is driven for multicast IPv4 without authentication only");
        var commands = new List<string>
        {
            "configure terminal",
            $"interface {Interface}",
            $"vrrp {Vrid} version {Version}",
            $"vrrp {Vrid} priority {Priority}",
            // FRR takes milliseconds; VRRPv2 needs whole seconds.
            $"vrrp {Vrid} advertisement-interval {(int)Math.Round(AdvertSeconds * 1000)}",
            Preempt ? $"vrrp {Vrid} preempt" : $"no vrrp {Vrid} preempt",
        };
        commands.AddRange(VipAddresses.Select(a => $"vrrp {Vrid} ip {a}"));
        return commands;
    }
}
