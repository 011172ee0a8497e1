namespace Lkm.Sdk.Plugins;

/// <summary>Thrown by a <see cref="PluginApiHandler"/> to answer an error: the HTTP status and the envelope's <c>msg</c>.</summary>
public sealed class PluginApiException : Exception
{
    /// <summary>An error answer with <paramref name="status"/> (e.g. 400, 404, 409) and <paramref name="message"/>.</summary>
    public PluginApiException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public int Status { get; }
}
