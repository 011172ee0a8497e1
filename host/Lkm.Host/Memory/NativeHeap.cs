using System.Runtime.InteropServices;

namespace Lkm.Host.Memory;

/// <summary>
/// Gives the native heap's free pages back to the OS (glibc <c>malloc_trim</c>).
/// </summary>
/// <remarks>
/// The JIT compiles on many threads while players ramp up; glibc gives each thread an arena and
/// keeps the arenas' freed memory, several MiB that no one uses again. Trimming is a no-op where
/// it is not supported (musl, macOS, Windows).
/// </remarks>
internal static class NativeHeap
{
    private static bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>Returns free native heap pages to the OS; false when the C library cannot.</summary>
    public static bool Trim()
    {
        if (s_unsupported)
        {
            return false;
        }

        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unsupported = true;
            return false;
        }
    }

    // DllImport rather than LibraryImport: a blittable call needs no generated marshalling, and the
    // host stays free of unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);
}
