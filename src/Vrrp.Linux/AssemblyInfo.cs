// Vrrp.Linux: the only project with syscalls (AF_PACKET sockets, netlink). See ARCHITECTURE.md.
[assembly: System.Runtime.CompilerServices.DisableRuntimeMarshalling]
