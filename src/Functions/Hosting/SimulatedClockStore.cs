using Azure;
using Azure.Data.Tables;

namespace Governance.Functions.Hosting;

/// <summary>
/// What a simulated clock leaves behind for the next run of the service: the simulated instant it may have reached
/// (<see cref="SimulatedUtc"/>, a high-water mark) and the governance.clockStart it was started from.
/// </summary>
public sealed record SimulatedClockState(DateTimeOffset SimulatedUtc, DateTimeOffset? ConfiguredStart);

/// <summary>Keeps <see cref="SimulatedClockState"/> in the task hub's storage (table <c>{hub}Clock</c>, one row).</summary>
public sealed class SimulatedClockStore
{
    private const string Partition = "clock";
    private const string Row = "simulated";
    private readonly TableClient table;
    private bool created;

    public SimulatedClockStore(string connectionString, string hubName)
    {
        // Few retries: a clock that cannot be read must stop the start-up with a message, not hang it.
        var options = new TableClientOptions { Retry = { MaxRetries = 2, NetworkTimeout = TimeSpan.FromSeconds(10) } };
        table = new TableServiceClient(connectionString, options).GetTableClient(hubName + "Clock");
    }

    public string TableName => table.Name;

    public SimulatedClockState? Read()
    {
        EnsureTable();
        var found = table.GetEntityIfExists<TableEntity>(Partition, Row);
        if (!found.HasValue || found.Value is not { } e)
        {
            return null;
        }

        return new SimulatedClockState(e.GetDateTimeOffset("SimulatedUtc") ?? DateTimeOffset.MinValue, e.GetDateTimeOffset("ConfiguredStart"));
    }

    public void Write(SimulatedClockState state) => table.UpsertEntity(ToEntity(state), TableUpdateMode.Replace);

    public async Task WriteAsync(SimulatedClockState state, CancellationToken cancellationToken)
        => await table.UpsertEntityAsync(ToEntity(state), TableUpdateMode.Replace, cancellationToken);

    private void EnsureTable()
    {
        if (!created)
        {
            table.CreateIfNotExists();
            created = true;
        }
    }

    private static TableEntity ToEntity(SimulatedClockState state) => new(Partition, Row)
    {
        ["SimulatedUtc"] = state.SimulatedUtc.ToUniversalTime(),
        ["ConfiguredStart"] = state.ConfiguredStart?.ToUniversalTime(),
    };
}
