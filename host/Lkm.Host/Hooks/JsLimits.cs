using Jint;

namespace Lkm.Host.Hooks;

/// <summary>The sandbox settings an engine is built with; engines are pooled per distinct value.</summary>
internal readonly record struct JsLimits(TimeSpan Timeout, int MaxStatements, long MemoryLimitBytes, int MaxRecursion, int MaxEngines)
{
    public static JsLimits From(HookOptions options) =>
        new(options.Timeout, options.MaxStatements, options.MemoryLimitBytes, options.MaxRecursion, Math.Max(1, options.MaxEngines));

    public void Apply(Options options)
    {
        // No AllowClr, no interop: scripts reach the host only through the helpers the prelude installs.
        options.Interop.Enabled = false;
        if (Timeout > TimeSpan.Zero && Timeout < TimeSpan.MaxValue)
        {
            options.TimeoutInterval(Timeout);
        }

        if (MaxStatements > 0)
        {
            options.MaxStatements(MaxStatements);
        }

        if (MemoryLimitBytes > 0)
        {
            options.LimitMemory(MemoryLimitBytes);
        }

        if (MaxRecursion >= 0)
        {
            options.LimitRecursion(MaxRecursion);
        }
    }
}
