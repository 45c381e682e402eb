namespace Governance.Durable.Submissions;

/// <summary>
/// Callers in this process waiting for the outcome of a submission; the step that decides it hands them the record
/// right after its commit, so a caller next to the partition owner needs no storage read.
/// </summary>
internal sealed class SubmissionWatchers
{
    private readonly Dictionary<string, List<TaskCompletionSource<SubmissionRecord>>> waiting = new(StringComparer.Ordinal);

    public async Task<SubmissionRecord?> WaitAsync(string instanceId, string submissionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string key = Key(instanceId, submissionId);
        var tcs = new TaskCompletionSource<SubmissionRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiting)
        {
            if (!waiting.TryGetValue(key, out var list))
            {
                waiting[key] = list = [];
            }

            list.Add(tcs);
        }

        try
        {
            return await tcs.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (waiting)
            {
                if (waiting.TryGetValue(key, out var list) && list.Remove(tcs) && list.Count == 0)
                {
                    waiting.Remove(key);
                }
            }
        }
    }

    public void Decided(string instanceId, IEnumerable<SubmissionRecord> records)
    {
        foreach (var record in records)
        {
            List<TaskCompletionSource<SubmissionRecord>>? list;
            lock (waiting)
            {
                list = waiting.TryGetValue(Key(instanceId, record.SubmissionId), out var found) ? [.. found] : null;
            }

            foreach (var tcs in list ?? [])
            {
                tcs.TrySetResult(record);
            }
        }
    }

    private static string Key(string instanceId, string submissionId) => instanceId + "\n" + submissionId;
}
