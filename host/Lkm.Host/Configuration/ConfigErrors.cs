namespace Lkm.Host.Configuration;

/// <summary>
/// The errors of one start-up, gathered so a user fixes every bad key in one go instead of one per start:
/// the host's sections and <c>--set</c> (the loader), then every plugin's section (its configure step).
/// Once reported (<see cref="ThrowIfAny"/>), a new error throws at once: nothing is left to gather for.
/// </summary>
public sealed class ConfigErrors
{
    private readonly List<ConfigException> _errors = [];
    private bool _closed;

    public void Add(ConfigException error)
    {
        if (_closed)
        {
            throw error;
        }

        _errors.Add(error);
    }

    /// <summary>Ends the load: throws the one error, or one listing them all in file order.</summary>
    public void ThrowIfAny()
    {
        _closed = true;
        switch (_errors.Count)
        {
            case 0:
                return;
            case 1:
                throw _errors[0];
            default:
                // Overrides (no position) first, then the file top to bottom.
                throw new ConfigException([.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }
    }
}
