using System.Net.Sockets;

namespace FinsamOutcomes.Testing;

/// <summary>
/// Whether a Docker engine answers where Testcontainers would look for one: DOCKER_HOST (unix:// or tcp://),
/// else /var/run/docker.sock. One GET /_ping with a short timeout; an engine that is absent, refuses or is
/// too slow to answer counts as absent.
/// </summary>
public static class DockerEngine
{
    public sealed record Probe(string Endpoint, bool Answers);

    public static async Task<Probe> PingAsync(TimeSpan? timeout = null)
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp"))
        {
            return new Probe(endpoint, false);
        }

        if (uri.Scheme == "unix" && !File.Exists(uri.AbsolutePath))
        {
            return new Probe(endpoint, false);
        }

        var handler = new SocketsHttpHandler();
        Uri baseAddress;
        if (uri.Scheme == "unix")
        {
            var socketPath = uri.AbsolutePath;
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            baseAddress = new Uri("http://docker/");
        }
        else
        {
            baseAddress = new Uri($"http://{uri.Host}:{uri.Port}/");
        }

        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync("_ping");
            return new Probe(endpoint, response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Trim() == "OK");
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException or IOException)
        {
            return new Probe(endpoint, false);
        }
    }
}
