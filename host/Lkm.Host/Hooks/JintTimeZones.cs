using System.Runtime.CompilerServices;
using Jint.Native.Temporal;

namespace Lkm.Host.Hooks;

/// <summary>
/// Gives back the time-zone tables Jint makes the runtime build but does not keep using.
/// </summary>
/// <remarks>
/// Creating any Jint <c>Options</c> (so every engine) runs the static constructor of Jint's Temporal
/// <see cref="DefaultTimeZoneProvider"/>, which calls <see cref="TimeZoneInfo.GetSystemTimeZones()"/>. That reads
/// every zone of the system and leaves all of them in the runtime's time-zone cache for the life of the
/// process: ~420 <see cref="TimeZoneInfo"/> with ~28,000 adjustment rules, over 3 MB of live heap. Jint keeps only
/// the zone names; the local zone is re-read on its next use, and a script that asks for a named zone
/// (Temporal, Intl) reads that one zone on demand. So the cache is dropped once, right after that constructor ran.
/// </remarks>
internal static class JintTimeZones
{
    private static int _released;

    /// <summary>Runs Jint's time-zone setup now (once per process) and clears the runtime cache it filled.</summary>
    public static void ReleaseSystemZoneCache()
    {
        if (Volatile.Read(ref _released) != 0 || Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        RuntimeHelpers.RunClassConstructor(typeof(DefaultTimeZoneProvider).TypeHandle);
        TimeZoneInfo.ClearCachedData();
    }
}
