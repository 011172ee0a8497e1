using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Api;

/// <summary><c>GET /api/v1/server/info</c>: version, uptime, config file and every listener.</summary>
public sealed class ServerApi(ApiServices services)
{
    public void Register(ApiDispatcher dispatcher) => dispatcher.Add("/api/v1/server/info", InfoAsync);

    private Task InfoAsync(HttpContext context, ApiParameters parameters) =>
        ApiResponse.OkAsync(context, Info(services), ApiJsonContext.Default.ServerInfoDto);

    public static ServerInfoDto Info(ApiServices services)
    {
        var config = services.Config;
        var listeners = new List<ListenerDto>();
        if (config.Server.Http > 0)
        {
            listeners.Add(new ListenerDto("http", config.Server.Listen, config.Server.Http));
        }

        if (config.Api.ListenEndPoint is { } api)
        {
            listeners.Add(new ListenerDto("api", api.Address.ToString(), api.Port));
        }

        listeners.AddRange(services.Plugins.SelectMany(p => p.Context?.Listeners ?? [])
            .Select(l => new ListenerDto(l.Name, l.EndPoint.Address.ToString(), l.EndPoint.Port, l.Transport)));
        return new ServerInfoDto
        {
            Version = services.Version,
            StartedAt = services.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            UptimeSeconds = Math.Round((DateTime.UtcNow - services.StartedAt).TotalSeconds, 1),
            ConfigFile = config.FilePath,
            PlayUrls = services.PlayUrls.All.Select(t => new PlayUrlDto(t.Name, t.Resolve("{id}", "{host}", config.Server.Http))).ToList(),
            HttpPort = config.Server.Http,
            ApiListen = config.Api.Listen,
            AuthRequired = config.Api.Token.Length > 0,
            PublicIp = config.Server.PublicIp,
            Listeners = listeners,
        };
    }
}
