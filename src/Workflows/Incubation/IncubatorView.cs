using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Workflows.Incubation;

/// <summary>
/// The incubator platform's view (the "1" of "149"): organisations per stage, graduated, activists trained. Computed
/// from the incubation instances matching the tags, from their status (stage and counters) alone.
/// </summary>
public sealed record IncubatorSummary(
    string? Street,
    string? Community,
    string? Incubator,
    int Organisations,
    IReadOnlyDictionary<string, int> ByStage,
    int Graduated,
    int Ended,
    int ActivistsTrained);

/// <summary>Builds <see cref="IncubatorSummary"/> through the client's instance query.</summary>
public sealed class IncubatorView(DurableTaskClient client)
{
    public async Task<IncubatorSummary> ComputeAsync(string? street, string? community, string? incubator, CancellationToken cancellationToken = default)
    {
        var tags = new Dictionary<string, string>();
        AddIf(tags, "street", street);
        AddIf(tags, "community", community);
        AddIf(tags, "incubator", incubator);
        var byStage = IncubationStages.All.ToDictionary(s => s, _ => 0);
        int organisations = 0, ended = 0, trained = 0;
        var query = new OrchestrationQuery { Name = nameof(IncubationOrchestrator), Tags = tags.Count > 0 ? tags : null };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            organisations++;
            var status = instance.ReadCustomStatusAs<WorkflowStatus>();
            trained += status?.Counters?.GetValueOrDefault(IncubationStages.ActivistsTrained) ?? 0;
            if (instance.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                ended++; // stopped without graduating: counted apart from the stages
            }
            else if (status?.Stage is { } stage && byStage.ContainsKey(stage))
            {
                byStage[stage]++;
            }
            else
            {
                byStage[IncubationStages.FindNeeds]++; // started, no status yet
            }
        }

        return new IncubatorSummary(street, community, incubator, organisations, byStage, byStage[IncubationStages.Graduated], ended, trained);
    }

    private static void AddIf(Dictionary<string, string> tags, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            tags[key] = value.Trim();
        }
    }
}
