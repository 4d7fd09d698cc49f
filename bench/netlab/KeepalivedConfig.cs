using System.Globalization;
using System.Text;
using Vrrp.Core.Wire;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// The keepalived.conf of one router: N VRRPv3 IPv4 instances on eth0, VRIDs 1..N, VIP
/// 10.0.1.VRID/32 each. Both daemons read the same file.
/// </summary>
internal static class KeepalivedConfig
{
    public const int R1Priority = 245, R2Priority = 240;

    public static IpAddr Vip(int vrid) => IpAddr.FromV4(0x0A000100u + (uint)vrid);

    public static bool IsVip(IpAddr address) => address.IsIPv4 && (address.V4Value >> 8) == 0x0A0001 && (address.V4Value & 0xFF) != 0;

    public static string Write(string router, int priority, bool initialMaster, int routers, int advertCentiseconds)
    {
        string interval = (advertCentiseconds / 100.0).ToString("0.##", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"""
            # netlab {router}: {routers} VRRPv3 routers on eth0, adverts every {interval} s
            global_defs {"{"}
                router_id netlab-{router}
                vrrp_version 3
            {"}"}

            """);
        for (int vrid = 1; vrid <= routers; vrid++)
        {
            s.Append(CultureInfo.InvariantCulture, $$"""
                vrrp_instance VR{{vrid}} {
                    state {{(initialMaster ? "MASTER" : "BACKUP")}}
                    interface eth0
                    virtual_router_id {{vrid}}
                    priority {{priority}}
                    advert_int {{interval}}
                    virtual_ipaddress {
                        {{Vip(vrid)}}/32
                    }
                }

                """);
        }
        return s.ToString();
    }
}
