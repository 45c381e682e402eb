namespace Governance.Functions.Hosting;

/// <summary>
/// Records how far a simulated clock has gone (every 10 seconds of real time, ahead by <see cref="ServiceClock.Reserve"/>,
/// and exactly when the service stops), so the
/// next run continues from there. Registered before the durable runtime so it stops after it: nothing reads the clock
/// after the final write.
/// </summary>
internal sealed class SimulatedClockKeeper(ServiceClock clock, ILogger<SimulatedClockKeeper> logger) : BackgroundService
{
    /// <summary>Less than <see cref="ServiceClock.Reserve"/>, so a crash between two writes never sends the clock back.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (clock.Store is null)
        {
            return;
        }

        // Real time on purpose: the interval must not shrink with the clock rate.
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await clock.Store.WriteAsync(clock.HighWaterMark(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Could not record the simulated clock's progress: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (clock.Store is not null)
        {
            try
            {
                await clock.Store.WriteAsync(clock.StoppedAt(), cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogWarning("Could not record where the simulated clock stopped (the next run starts from the last recorded mark): {Error}", ex.Message);
            }
        }
    }
}
