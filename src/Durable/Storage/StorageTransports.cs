using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Azure.Core.Pipeline;

namespace Governance.Durable.Storage;

/// <summary>
/// HTTP transports for the storage clients, one per connection limit, shared by every hub of the process (as the
/// SDK's default transport is), each opening at most that many connections per endpoint.
/// </summary>
internal static class StorageTransports
{
    private static readonly ConcurrentDictionary<int, HttpClientTransport> Transports = new();
    private static readonly ConcurrentDictionary<(int Limit, int Port), int> Opened = new();

    public static HttpClientTransport For(int maxConnectionsPerEndpoint)
        => Transports.GetOrAdd(maxConnectionsPerEndpoint, limit => new HttpClientTransport(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = limit,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // so DNS changes of the storage account are picked up
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                Opened.AddOrUpdate((limit, context.DnsEndPoint.Port), 1, (_, n) => n + 1);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }));

    /// <summary>Connections the transport of this limit has opened to the endpoint on <paramref name="port"/> (diagnostics, tests).</summary>
    public static int ConnectionsOpened(int maxConnectionsPerEndpoint, int port) => Opened.GetValueOrDefault((maxConnectionsPerEndpoint, port));
}
