using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

// Capabilities (capabilities(7)): capget/capset for the calling thread, prctl for the bounding
// and ambient sets.
internal static unsafe partial class Libc
{
    internal const uint LinuxCapabilityVersion3 = 0x20080522;
    internal const int PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_CLEAR_ALL = 4;

    [StructLayout(LayoutKind.Sequential)]
    internal struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport(Lib, EntryPoint = "capget", SetLastError = true)]
    internal static partial int CapGet(CapHeader* header, CapData* data);

    [LibraryImport(Lib, EntryPoint = "capset", SetLastError = true)]
    internal static partial int CapSet(CapHeader* header, CapData* data);

    [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
