using System.Globalization;
using System.Text;

namespace Vrrp.Bench.Soak;

/// <summary>
/// The keepalived.conf of each router: N VRRPv3 IPv4 instances VR1..VRN on eth0, VIP
/// 10.0.1.VRID/32 each. r1 (priority 200) is Master of all; r2 (100) Backup. On r1 every
/// VRID ≡ 1 (mod 8) tracks interface trk0 and every VRID ≡ 2 (mod 8) tracks script chk, both
/// with weight -150: down, r1 falls to 50 and r2 takes those instances over; up, r1 preempts
/// back. The last instance is the one a "changed" reload edits (its priority moves by one).
/// </summary>
internal static class SoakConfig
{
    public const int R1Priority = 200, R2Priority = 100, TrackWeight = -150;

    public static bool TracksInterface(int vrid) => vrid % 8 == 1;

    public static bool TracksScript(int vrid) => vrid % 8 == 2;

    public static string Name(int vrid) => $"VR{vrid}";

    /// <summary>The configuration of r1 (<paramref name="r1"/>) or r2; <paramref name="changed"/> moves the last instance's priority by one.</summary>
    public static string Write(bool r1, int instances, int advertMilliseconds, string scriptPath, bool changed)
    {
        string interval = (advertMilliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $$"""
            # soak {{(r1 ? "r1" : "r2")}}: {{instances}} VRRPv3 instances on eth0, adverts every {{interval}} s
            global_defs {
                router_id soak-{{(r1 ? "r1" : "r2")}}
                vrrp_version 3
                script_user root
                enable_script_security
            }

            """);
        if (r1)
        {
            s.Append(CultureInfo.InvariantCulture, $$"""
                vrrp_script chk {
                    script "{{scriptPath}}"
                    interval 1
                    timeout 1
                    fall 1
                    rise 1
                }

                """);
        }
        for (int vrid = 1; vrid <= instances; vrid++)
        {
            int priority = r1 ? R1Priority : R2Priority;
            if (changed && vrid == instances) priority += r1 ? -1 : 1;
            string tracking = !r1 ? ""
                : TracksInterface(vrid) ? $"track_interface {{\n        trk0 weight {TrackWeight}\n    }}\n    "
                : TracksScript(vrid) ? $"track_script {{\n        chk weight {TrackWeight}\n    }}\n    "
                : "";
            s.Append(CultureInfo.InvariantCulture, $$"""
                vrrp_instance {{Name(vrid)}} {
                    interface eth0
                    virtual_router_id {{vrid}}
                    priority {{priority}}
                    advert_int {{interval}}
                    {{tracking}}virtual_ipaddress {
                        10.0.1.{{vrid}}/32
                    }
                }

                """);
        }
        return s.ToString();
    }
}
