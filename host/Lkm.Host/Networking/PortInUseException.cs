using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Lkm.Host.Networking;

/// <summary>
/// A listening port another process (or another LKM server) holds. The server cannot do its job
/// without the port, so start-up stops with this one line instead of a stack trace.
/// </summary>
public sealed partial class PortInUseException : InvalidOperationException
{
    public PortInUseException(string listener, EndPoint endPoint, int port, string? setKey, Exception innerException)
        : base(Describe(listener, endPoint, port, setKey), innerException)
    {
        Listener = listener;
        Port = port;
    }

    /// <summary>What was listening: <c>rtmp</c>, <c>http</c>, <c>api</c>.</summary>
    public string Listener { get; }

    public int Port { get; }

    /// <summary>
    /// Kestrel's bind failure (IOException "Failed to bind to address http://a:p: address already in use"
    /// around AddressInUseException), told apart from other I/O errors by the inner exception's type name,
    /// since the host does not reference Kestrel's connection types directly. Null when it is not one.
    /// </summary>
    public static PortInUseException? FromKestrel(Exception exception, int httpPort)
    {
        if (exception is not IOException { InnerException: { } inner } || inner.GetType().Name != "AddressInUseException" ||
            KestrelUrl().Match(exception.Message) is not { Success: true } match)
        {
            return null;
        }

        int port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var endPoint = new DnsEndPoint(match.Groups["host"].Value, port);
        return port == httpPort
            ? new PortInUseException("http", endPoint, port, "server.http", exception)
            : new PortInUseException("api", endPoint, port, "api.listen", exception);
    }

    public static bool IsAddressInUse(SocketException exception) => exception.SocketErrorCode == SocketError.AddressAlreadyInUse;

    private static string Describe(string listener, EndPoint endPoint, int port, string? setKey)
    {
        string how = setKey is null ? "--set" : $"--set {setKey}=<port>";
        return $"port {port} is already in use: {listener} cannot listen on {Show(endPoint)}; stop the other process or pick another port with {how}";
    }

    private static string Show(EndPoint endPoint) => endPoint is DnsEndPoint dns ? $"{dns.Host}:{dns.Port}" : endPoint.ToString() ?? "?";

    [GeneratedRegex(@"https?://(?<host>\[[^\]]+\]|[^:/\s]+):(?<port>\d+)")]
    private static partial Regex KestrelUrl();
}
