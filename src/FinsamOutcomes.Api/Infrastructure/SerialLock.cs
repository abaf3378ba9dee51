using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// A PostgreSQL session advisory lock on a name, held on a connection of its own until disposed: requests
/// that take the same name run one after another across every process of the service. For rules that count
/// across streams (a beredningsgrupp's intake in a week) and for requests that share an Idempotency-Key.
/// A process that dies loses its connection and with it the lock, so nothing is ever left locked.
/// </summary>
public sealed class SerialLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private SerialLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Waits for the lock on <paramref name="name"/> (the name is hashed: it never reaches the database or a log).</summary>
    public static async Task<SerialLock> AcquireAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        var key = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"finsam.lock.v1/{name}")), 0);
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = key });
            await cmd.ExecuteNonQueryAsync(ct);
            return new SerialLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = _key });
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // the connection is gone, and the lock with it
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
