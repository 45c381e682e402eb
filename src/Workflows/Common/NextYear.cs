using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Workflows.Common;

/// <summary>How a yearly process moves on to its next year.</summary>
public static class NextYear
{
    /// <summary>
    /// Continues as new with <paramref name="next"/> and the search tags it implies (its <c>year</c> above all), so a
    /// search by year finds the instance in the year it is in, not the year it was set up.
    /// </summary>
    public static void ContinueWith<TInput>(TaskOrchestrationContext context, WorkflowDefinition definition, TInput next) where TInput : notnull
        => context.ContinueAsNew(new ContinueAsNewOptions { NewInput = next, NewTags = definition.TagsFromInput(next) });
}
