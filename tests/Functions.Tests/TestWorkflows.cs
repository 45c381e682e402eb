using System.ComponentModel.DataAnnotations;
using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Functions.Tests;

/// <summary>Input of the test process: required constructor parameters, one optional with a range.</summary>
public sealed record ApprovalInput(string Title, string Street, string Community, int Amount, [property: Range(-30, 365)] int DueInDays = 5,
    IReadOnlyList<string>? Attachments = null, int MaxHouseholds = 1000);

public sealed record SubmitPayload(string By, int Households, string? Note = null);

public sealed record ApprovePayload(bool Approved, string Reason);

/// <summary>A two-step human process shaped like the governance ones: submit (community), then approve (street office).</summary>
public sealed class TestApproval : TaskOrchestrator<ApprovalInput, string>
{
    public const string Name = "TestApproval";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ApprovalInput input)
    {
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var due = now.AddDays(input.DueInDays);
        context.SetCustomStatus(new WorkflowStatus("提交材料", "Submit documents",
            [new OpenStep("submit", "提交材料", "Submit documents", "community", DateOnly.FromDateTime(due.UtcDateTime), due, input.DueInDays < 0 ? 1 : 0,
                input.DueInDays < 0 ? "主管" : "正常", "submit#1")]));
        var submitted = await context.WaitForSubmission<SubmitPayload, SubmitPayload>("submit", p =>
        {
            if (p.Households > input.MaxHouseholds)
            {
                throw new SubmissionRejectedException("submit.households", "households",
                    $"{p.Households} households is more than the {input.MaxHouseholds} the community has.", $"户数{p.Households}超过社区总户数{input.MaxHouseholds}。");
            }

            return SubmissionAcceptance.Of(p, $"{p.Households} households recorded.", $"已登记{p.Households}户。");
        }, new SubmissionWaitOptions { StepToken = "submit#1" });

        var approveDue = context.CurrentUtcDateTime.AddDays(3);
        context.SetCustomStatus(new WorkflowStatus("街道审批", "Street approval",
            [new OpenStep("approve", "街道审批", "Street approval", "street-office", DateOnly.FromDateTime(approveDue), new DateTimeOffset(approveDue, TimeSpan.Zero), 0, "正常")]));
        var decision = await context.WaitForSubmission<ApprovePayload>("approve", d =>
        {
            if (string.IsNullOrWhiteSpace(d.Reason))
            {
                throw new SubmissionRejectedException("approve.reason", "reason", "The decision needs a reason.", "审批须说明理由。");
            }
        });
        context.SetCustomStatus(new WorkflowStatus("已完成", "Done", []));
        return $"{input.Title}: {(decision.Approved ? "approved" : "rejected")} by {submitted.By} ({submitted.Households} households)";
    }
}

/// <summary>Fails at once (a process with a bug), so tests can look at what a failed instance shows.</summary>
/// <summary>Runs three executions (like a yearly process that continues as new), each announcing its number, then completes.</summary>
public sealed class TestThreeYears : TaskOrchestrator<int, string>
{
    public const string Name = "TestThreeYears";

    public override Task<string> RunAsync(TaskOrchestrationContext context, int year)
    {
        context.SetCustomStatus($"year {year}");
        if (year < 3)
        {
            context.ContinueAsNew(year + 1);
        }

        return Task.FromResult($"done in year {year}");
    }
}

public sealed class TestAlwaysFails : TaskOrchestrator<string, string>
{
    public const string Name = "TestAlwaysFails";

    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
        => throw new InvalidOperationException("The test process failed on purpose: " + input);
}

public sealed class TestCatalog : IWorkflowCatalog
{
    public const string Workflow = "test-approval";

    public IReadOnlyList<WorkflowDefinition> Workflows { get; } =
    [
        new WorkflowDefinition(Workflow, "测试审批流程", "Test approval", TestApproval.Name, typeof(ApprovalInput),
        [
            new WorkflowEventDefinition("submit", "提交材料", "Submit documents", typeof(SubmitPayload), "community"),
            new WorkflowEventDefinition("approve", "街道审批", "Street approval", typeof(ApprovePayload), "street-office"),
        ])
        {
            TagsFromInput = i => new Dictionary<string, string> { ["street"] = ((ApprovalInput)i).Street, ["community"] = ((ApprovalInput)i).Community },
        },
    ];

    public WorkflowDefinition? Find(string name) => Workflows.FirstOrDefault(w => w.Name == name);
}
