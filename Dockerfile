# syntax=docker/dockerfile:1
# LKM.NET in a container (README "Deploy"):
#   docker build -t lkm .
#   docker run -d --name lkm -p 1935:1935 -p 8080:8080 -p 554:554 lkm
# Your own config and hooks: mount a folder (not single files, so an editor's save is seen and live
# edits of hooks, defaults and routes apply) and name the config; paths in it are relative to it:
#   docker run -d -p 1935:1935 -p 8080:8080 -v "$PWD/conf:/etc/lkm:ro" lkm --config /etc/lkm/lkm.yaml
# More plugins: -v "$PWD/plugins:/app/plugins:ro" (one sub-folder per plugin; the bundled ones must be
# in it too) or plugins.dir in your lkm.yaml. Logs go to the console (docker logs).

# --- build: the same command as outside a container (README "Deploy") ---
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so a source edit does not download packages again
# (a new plugin needs its .csproj line here).
# _IsPublishing=true restores what the publish below needs (runtime pack, ReadyToRun compiler).
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY sdk/Lkm.Sdk/Lkm.Sdk.csproj sdk/Lkm.Sdk/
COPY plugins/Directory.Build.targets plugins/
COPY plugins/Lkm.Plugins.Rtmp/Lkm.Plugins.Rtmp.csproj plugins/Lkm.Plugins.Rtmp/
COPY plugins/Lkm.Plugins.Flv/Lkm.Plugins.Flv.csproj plugins/Lkm.Plugins.Flv/
COPY host/Lkm.Host/Lkm.Host.csproj host/Lkm.Host/
RUN dotnet restore host/Lkm.Host/Lkm.Host.csproj -p:_IsPublishing=true
COPY sdk/ sdk/
COPY plugins/ plugins/
COPY host/ host/
COPY lkm.yaml ./
COPY scripts/ scripts/
RUN dotnet publish -c Release host/Lkm.Host -o /app --no-restore

# --- run: self-contained, so the runtime-deps image (no .NET inside) is enough ---
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app /app
# 554 (RTSP, later) is below 1024: the file capability lets the non-root user bind it. Docker's own
# containers allow that anyway (ip_unprivileged_port_start=0); other engines and Kubernetes may not.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcap2-bin \
 && setcap cap_net_bind_service=+ep /app/Lkm.Host \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
# The images' non-root user (app, uid 1654); the app folder stays root-owned and read-only to it.
USER $APP_UID
# RTMP, HTTP (HTTP-FLV, WS-FLV, API, /metrics, console), RTSP (later), GB28181 RTP (a port per source, UDP
# and TCP: publish the range, e.g. -p 50000-50100:50000-50100/udp, or run with --network host for thousands).
EXPOSE 1935 8080 554 50000-60000/udp 50000-60000/tcp
# SIGTERM (docker stop) stops the host gracefully: listeners first, then the plugins, exit code 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/Lkm.Host"]
