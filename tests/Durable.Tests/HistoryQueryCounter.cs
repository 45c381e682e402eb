using Azure.Core;
using Azure.Core.Pipeline;

namespace Governance.Durable.Tests;

/// <summary>Counts queries of the History table that filter on an instance id, its reads of any kind, and all requests that name it.</summary>
internal sealed class HistoryQueryCounter : HttpPipelinePolicy
{
    private readonly List<string> queries = [];
    private readonly List<(RequestMethod Method, string Url)> requests = [];

    public int RequestsFor(string instanceId)
    {
        lock (requests)
        {
            return requests.Count(r => r.Url.Contains(instanceId, StringComparison.Ordinal));
        }
    }

    /// <summary>Queries and point reads of the History table that name the instance.</summary>
    public int HistoryReadsOf(string instanceId)
    {
        lock (requests)
        {
            return requests.Count(r => r.Method == RequestMethod.Get && r.Url.Contains("History(", StringComparison.Ordinal) && r.Url.Contains(instanceId, StringComparison.Ordinal));
        }
    }

    public int Of(string instanceId)
    {
        lock (queries)
        {
            return queries.Count(q => q.Contains(instanceId, StringComparison.Ordinal));
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        lock (requests)
        {
            requests.Add((message.Request.Method, Uri.UnescapeDataString(uri.PathAndQuery)));
        }

        if (message.Request.Method == RequestMethod.Get && uri.AbsolutePath.Contains("History()", StringComparison.Ordinal))
        {
            lock (queries)
            {
                queries.Add(Uri.UnescapeDataString(uri.Query));
            }
        }
    }
}
