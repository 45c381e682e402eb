namespace Governance.TestSupport;

/// <summary>
/// The one polling loop of the tests: probes until a condition holds, bounded, for state another process (a worker,
/// the service) reaches on its own ("wait until the instance waits for its step").
/// </summary>
public static class Eventually
{
    /// <summary>Probes until <paramref name="condition"/> holds; returns the last value seen, or throws naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, int seconds = 60, int pollMilliseconds = 50,
        CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T last = await probe();
        while (!condition(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {seconds}s waiting for {what}; last value: {last}");
            }

            await Task.Delay(pollMilliseconds, cancellationToken);
            last = await probe();
        }

        return last;
    }
}
