using System.Net;

namespace Lkm.Sdk.Plugins;

/// <summary>
/// Receives one datagram of a UDP listener (<see cref="IPluginContext.ListenUdp"/>). The host calls it from the
/// listener's one receive loop, one datagram at a time, so a handler needs no lock against itself.
/// </summary>
/// <param name="datagram">The datagram's bytes: the listener's receive buffer, valid only until the returned task completes (copy what must outlive it).</param>
/// <param name="remote">Who sent it; reused by the next receive, so copy it (<c>new SocketAddress</c> / <c>IPEndPoint.Create</c>) to keep it.</param>
/// <param name="cancellationToken">Cancelled when the host shuts down.</param>
/// <returns>Completes when the datagram has been dealt with; the next receive waits for it.</returns>
public delegate ValueTask UdpDatagramHandler(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken);
