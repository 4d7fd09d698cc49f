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
