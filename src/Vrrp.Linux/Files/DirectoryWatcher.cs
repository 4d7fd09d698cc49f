using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>What happened to a file in a watched directory.</summary>
public enum FileEventKind : byte
{
    /// <summary>A file opened for writing was closed (IN_CLOSE_WRITE): read it again.</summary>
    Written,

    /// <summary>A file was deleted (IN_DELETE).</summary>
    Deleted,

    /// <summary>A file was moved into the directory, or renamed onto this name (IN_MOVED_TO).</summary>
    MovedIn,

    /// <summary>A file was moved out of the directory, or renamed away from this name (IN_MOVED_FROM).</summary>
    MovedOut,

    /// <summary>The watched directory itself went away (deleted, moved, unmounted): its files are no longer watched.</summary>
    DirectoryGone,

    /// <summary>The kernel's event queue overflowed (IN_Q_OVERFLOW): events were lost, read every file again.</summary>
    Overflow,
}

/// <summary>One event of a <see cref="DirectoryWatcher"/>.</summary>
/// <param name="Watch">The watch (from <see cref="DirectoryWatcher.Watch"/>) it happened in; -1 for <see cref="FileEventKind.Overflow"/>.</param>
/// <param name="Name">The file's name within the directory; empty for the directory itself and for an overflow.</param>
/// <param name="Kind">What happened.</param>
public readonly record struct FileEvent(int Watch, string Name, FileEventKind Kind);

/// <summary>
/// inotify on directories, for files whose content is their value (keepalived's track_file):
/// a file written and closed, deleted, or moved in or out of a watched directory is reported by
/// name. Watching the directory rather than the file sees a file that does not exist yet and
/// one replaced by a rename (the usual atomic write). The descriptor is non-blocking: register
/// <see cref="Handle"/> with an <see cref="Epoll"/> or poll it from a thread of its own, then
/// call <see cref="Read"/>. Not thread-safe.
/// </summary>
public sealed class DirectoryWatcher : IDisposable
{
    private const uint Events = Inotify.IN_CLOSE_WRITE | Inotify.IN_DELETE | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO
        | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF | Inotify.IN_ONLYDIR;

    private readonly SafeFileDescriptor _fd;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(16 * 1024, pinned: true);

    /// <summary>Creates the inotify instance (non-blocking, close-on-exec).</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The instance cannot be created (EMFILE: fs.inotify.max_user_instances).</exception>
    public DirectoryWatcher() =>
        _fd = new SafeFileDescriptor(LinuxError.Check(Libc.InotifyInit1(Inotify.IN_NONBLOCK | Inotify.IN_CLOEXEC), "inotify_init1"));

    /// <summary>The descriptor, to register with <see cref="Epoll"/>.</summary>
    public SafeHandle Handle => _fd;

    /// <summary>
    /// Watches <paramref name="directory"/>; watching one directory twice gives the same watch.
    /// Returns the watch, or -errno (ENOENT, ENOTDIR, EACCES...) when it cannot be watched.
    /// </summary>
    public int Watch(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        int watch = Libc.InotifyAddWatch(_fd, directory, Events);
        return watch >= 0 ? watch : -LinuxError.Last;
    }

    /// <summary>
    /// Where a file to watch lives, as keepalived resolves a track_file: the real path of the
    /// file when it exists (symbolic links followed), else the real path of its directory and
    /// the file's name. Returns 0, or the errno: ENOENT or ENOTDIR when the directory does not
    /// exist, EACCES when it cannot be reached.
    /// </summary>
    public static int Resolve(string path, out string directory, out string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        directory = name = "";
        int errno = RealPath(path, out string? real);
        if (errno == Errno.ENOENT)
        {
            string full = Path.GetFullPath(path);
            string? parent = Path.GetDirectoryName(full);
            if (parent is null) return Errno.ENOENT;
            errno = RealPath(parent, out string? realParent);
            if (errno != 0) return errno;
            if (!Directory.Exists(realParent)) return 20; // ENOTDIR
            real = Path.Combine(realParent!, Path.GetFileName(full));
        }
        else if (errno != 0)
        {
            return errno;
        }
        directory = Path.GetDirectoryName(real!) ?? "/";
        name = Path.GetFileName(real!);
        return 0;
    }

    private static int RealPath(string path, out string? real)
    {
        real = null;
        nint result = Libc.RealPath(path, 0);
        if (result == 0) return LinuxError.Last;
        real = Marshal.PtrToStringUTF8(result);
        Libc.Free(result);
        return 0;
    }

    /// <summary>Stops watching (best effort: a directory that is gone has lost its watch already).</summary>
    public void Unwatch(int watch) => _ = Libc.InotifyRmWatch(_fd, watch);

    /// <summary>Reads the events waiting, without blocking, into <paramref name="events"/> (cleared first).</summary>
    public unsafe void Read(List<FileEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.Clear();
        while (true)
        {
            nint n;
            fixed (byte* buffer = _buffer)
                n = Libc.Read(_fd, buffer, (nuint)_buffer.Length);
            if (n < 0)
            {
                int errno = LinuxError.Last;
                if (errno == Errno.EINTR) continue;
                if (errno == Errno.EAGAIN) return;
                LinuxError.Throw("read(inotify)", errno);
            }
            Decode(_buffer.AsSpan(0, (int)n), events);
        }
    }

    /// <summary>Decodes a buffer of struct inotify_event records.</summary>
    internal static void Decode(ReadOnlySpan<byte> data, List<FileEvent> events)
    {
        while (data.Length >= Inotify.EventHeaderSize)
        {
            int watch = BinaryPrimitives.ReadInt32LittleEndian(data);
            uint mask = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
            if (Inotify.EventHeaderSize + length > data.Length) return;
            ReadOnlySpan<byte> raw = data.Slice(Inotify.EventHeaderSize, length);
            int end = raw.IndexOf((byte)0);
            string name = Encoding.UTF8.GetString(end < 0 ? raw : raw[..end]);
            data = data[(Inotify.EventHeaderSize + length)..];

            if ((mask & Inotify.IN_Q_OVERFLOW) != 0)
                events.Add(new FileEvent(-1, "", FileEventKind.Overflow));
            else if ((mask & (Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF | Inotify.IN_IGNORED)) != 0)
                events.Add(new FileEvent(watch, "", FileEventKind.DirectoryGone));
            else if ((mask & Inotify.IN_ISDIR) != 0)
                continue; // a subdirectory, never a tracked file (keepalived skips them too)
            else if ((mask & Inotify.IN_CLOSE_WRITE) != 0)
                events.Add(new FileEvent(watch, name, FileEventKind.Written));
            else if ((mask & Inotify.IN_MOVED_TO) != 0)
                events.Add(new FileEvent(watch, name, FileEventKind.MovedIn));
            else if ((mask & Inotify.IN_MOVED_FROM) != 0)
                events.Add(new FileEvent(watch, name, FileEventKind.MovedOut));
            else if ((mask & Inotify.IN_DELETE) != 0)
                events.Add(new FileEvent(watch, name, FileEventKind.Deleted));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _fd.Dispose();
}
