using Vrrpd.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>How each implementation shows that it rejected an advertisement.</summary>
internal static class Rejections
{
    /// <summary>Asserts that <paramref name="router"/> rejected advertisements for their password, and records how it showed it.</summary>
    public static void AssertAuthenticationRejected(Peer router, ResultRow row)
    {
        switch (router)
        {
            case KeepalivedPeer k:
                {
                    LabLine? line = k.Process.WaitForLine(l => l.Contains("received an invalid passwd", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no authentication failure:\n{router.Log}");
                    row.Figures.Add($"{router.Name} ({ResultRow.Name(router.Impl)}) logs \"{line.Value.Text[(line.Value.Text.IndexOf(": ", StringComparison.Ordinal) + 2)..]}\"");
                    break;
                }
            case VrrpdPeer v:
                {
                    long? count = v.Counter("auth_mismatch");
                    Assert.True(count > 0, $"{router}: vrrpd status counts no authentication rejection: {v.Status()}");
                    row.Figures.Add($"{router.Name} (vrrpd) counts {count} auth_mismatch");
                    break;
                }
            default:
                throw new NotSupportedException(router.ToString());
        }
    }

    /// <summary>Asserts that <paramref name="router"/> noticed the other's differing address list (logged and counted), and records how.</summary>
    public static void AssertAddressListMismatch(Peer router, int version, ResultRow row)
    {
        switch (router)
        {
            case KeepalivedPeer k:
                {
                    // keepalived compares the count first, then each address; either way it drops the advertisement.
                    LabLine? line = k.Process.WaitForLine(l => l.Contains("received an unexpected ip number count", StringComparison.Ordinal)
                        || l.Contains("not present in", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no address list mismatch:\n{router.Log}");
                    row.Figures.Add($"{router.Name} ({ResultRow.Name(router.Impl)}) drops: \"{line.Value.Text[(line.Value.Text.IndexOf(": ", StringComparison.Ordinal) + 2)..]}\"");
                    break;
                }
            case VrrpdPeer v:
                {
                    long? count = v.Counter("address_list_mismatch") ?? v.Counter("address_list_mismatches");
                    Assert.True(count > 0, $"{router}: vrrpd status counts no address list mismatch: {v.Status()}");
                    LabLine? line = v.Process.WaitForLine(l => l.Contains("address list", StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no address list mismatch:\n{router.Log}");
                    row.Figures.Add($"{router.Name} (vrrpd) {(version == 3 ? "accepts" : "drops")}, counts {count}: \"{line.Value.Text}\"");
                    break;
                }
            default:
                throw new NotSupportedException(router.ToString());
        }
    }
}
