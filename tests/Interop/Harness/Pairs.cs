namespace Vrrp.Interop.Tests.Harness;

/// <summary>
/// The pairings every scenario runs, first router first (the master, unless the scenario says
/// otherwise): vrrpd in each role against keepalived, and keepalived against keepalived, which
/// checks the lab and the assertions themselves.
/// </summary>
public static class Pairs
{
    public static TheoryData<Impl, Impl> WithKeepalived => new()
    {
        { Impl.Vrrpd, Impl.Keepalived },
        { Impl.Keepalived, Impl.Vrrpd },
        { Impl.Keepalived, Impl.Keepalived },
    };
}
