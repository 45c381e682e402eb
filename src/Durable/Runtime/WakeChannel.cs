using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>What a wake-up datagram asks for.</summary>
internal enum WakeKind : byte
{
    /// <summary>Poll this partition's control queue now (a message was just sent to it).</summary>
    Partition = 1,

    /// <summary>Send me <see cref="Changed"/> when this instance next commits a step (a client waits on it).</summary>
    Watch = 2,

    /// <summary>This instance committed a step: re-read it.</summary>
    Changed = 3,
}

/// <summary>
/// The UDP socket hosts wake each other through. Each datagram is "kind, text, MAC": the MAC (HMAC-SHA256 truncated
/// to 16 bytes) is keyed by the connection string and hub name, which every host of the hub holds, so a datagram
/// from anyone else is dropped. Nothing here is durable or ordered: a lost datagram only means waiting for the poll.
/// </summary>
internal sealed class WakeChannel : IDisposable
{
    private const int MacLength = 16;
    private readonly Socket socket;
    private readonly byte[] key;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();

    public WakeChannel(DurableTaskOptions options, ILogger logger)
    {
        this.logger = logger;
        key = SHA256.HashData(Encoding.UTF8.GetBytes($"governance-durable-wake|{options.HubName}|{options.ConnectionString}"));
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, options.WakePort));
        var address = options.WakeAddress is { } configured ? IPAddress.Parse(configured) : DefaultAddress();
        Advertised = new IPEndPoint(address, ((IPEndPoint)socket.LocalEndPoint!).Port);
        _ = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Where other hosts reach this one ("address:port"), as advertised in partition leases.</summary>
    public IPEndPoint Advertised { get; }

    /// <summary>Raised for every authentic datagram, with its sender (for <see cref="WakeKind.Watch"/>: where to answer).</summary>
    public event Action<WakeKind, string, IPEndPoint>? Received;

    /// <summary>Sends a datagram without waiting or failing: it is only a hint.</summary>
    public void Send(IPEndPoint to, WakeKind kind, string text)
    {
        try
        {
            socket.SendTo(Encode(kind, text), to);
        }
        catch (SocketException ex)
        {
            logger.LogDebug("Wake-up to {EndPoint} not sent: {Error}", to, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // E.g. an ICMP "port unreachable" from an earlier send to a host that left: keep receiving.
                continue;
            }

            if (Parse(buffer.AsSpan(0, result.ReceivedBytes)) is var (kind, text))
            {
                try
                {
                    Received?.Invoke(kind, text, (IPEndPoint)result.RemoteEndPoint);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Handling a wake-up failed.");
                }
            }
        }
    }

    internal byte[] Encode(WakeKind kind, string text)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        var packet = new byte[1 + body.Length + MacLength];
        packet[0] = (byte)kind;
        body.CopyTo(packet, 1);
        HMACSHA256.HashData(key, packet.AsSpan(0, 1 + body.Length))[..MacLength].CopyTo(packet, 1 + body.Length);
        return packet;
    }

    /// <summary>The kind and text of an authentic datagram; null for anything else.</summary>
    internal (WakeKind Kind, string Text)? Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 1 + MacLength || !Enum.IsDefined((WakeKind)packet[0]))
        {
            return null;
        }

        var signed = packet[..^MacLength];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, signed, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], packet[^MacLength..]))
        {
            return null;
        }

        return ((WakeKind)packet[0], Encoding.UTF8.GetString(signed[1..]));
    }

    private static IPAddress DefaultAddress()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    {
                        return unicast.Address;
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
        }

        return IPAddress.Loopback;
    }

    public void Dispose()
    {
        stopping.Cancel();
        socket.Dispose();
    }
}
