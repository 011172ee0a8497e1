using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary>Checks <c>Authorization: Bearer &lt;token&gt;</c> against api.token in constant time; an empty token means no authentication.</summary>
public sealed class ApiTokenCheck(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public bool Required => _expected.Length > 0;

    public bool IsAuthorized(HttpRequest request)
    {
        if (!Required)
        {
            return true;
        }

        string header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }
}
