using Governance.Workflows.Catalog;

namespace Governance.Workflows.Common;

/// <summary>The catalog of every process registered by <see cref="WorkflowsServiceCollectionExtensions.AddGovernanceWorkflows"/>.</summary>
public sealed class GovernanceWorkflowCatalog(IReadOnlyList<WorkflowDefinition> workflows) : IWorkflowCatalog
{
    public IReadOnlyList<WorkflowDefinition> Workflows { get; } = workflows;

    public WorkflowDefinition? Find(string name) => Workflows.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
}
