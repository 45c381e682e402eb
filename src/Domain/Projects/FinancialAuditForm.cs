namespace Governance.Domain.Projects;

/// <summary>One line of the financial audit form: what was budgeted and what was spent (yuan).</summary>
public sealed record SpendingLine(string Item, decimal Budgeted, decimal Spent)
{
    public bool Overspent => Spent > Budgeted;
}

/// <summary>
/// The financial audit form (财务审计表): budget vs. spent per line. The stated totals must equal the sums of the
/// lines (a form that does not add up is refused); overspending per line or in total is flagged for the audit.
/// </summary>
public sealed record FinancialAuditForm
{
    public FinancialAuditForm(IReadOnlyList<SpendingLine> lines, decimal totalBudgeted, decimal totalSpent)
    {
        Rule.Require(lines is { Count: > 0 }, "finance.lines", "The audit form needs at least one line.", "财务审计表至少需要一个明细项。");
        foreach (var line in lines)
        {
            Rule.RequireText(line.Item, "finance.item", "Line item", "科目");
            Rule.Require(line.Budgeted >= 0 && line.Spent >= 0, "finance.negative",
                $"Line '{line.Item}' has a negative amount.", $"科目“{line.Item}”金额为负数。");
        }

        decimal budgetSum = lines.Sum(l => l.Budgeted), spentSum = lines.Sum(l => l.Spent);
        Rule.Require(budgetSum == totalBudgeted, "finance.budgetDoesNotAddUp",
            $"Budget lines add up to {budgetSum} yuan, but the total says {totalBudgeted} yuan.",
            $"预算明细合计{budgetSum}元,与预算总额{totalBudgeted}元不符。");
        Rule.Require(spentSum == totalSpent, "finance.spentDoesNotAddUp",
            $"Spending lines add up to {spentSum} yuan, but the total says {totalSpent} yuan.",
            $"支出明细合计{spentSum}元,与支出总额{totalSpent}元不符。");
        Lines = lines;
        TotalBudgeted = totalBudgeted;
        TotalSpent = totalSpent;
    }

    public IReadOnlyList<SpendingLine> Lines { get; }
    public decimal TotalBudgeted { get; }
    public decimal TotalSpent { get; }

    public IReadOnlyList<SpendingLine> OverspentLines => Lines.Where(l => l.Overspent).ToList();

    public bool OverspendFlagged => TotalSpent > TotalBudgeted || OverspentLines.Count > 0;
}

/// <summary>执行报告表</summary>
public sealed record ExecutionReport(string Summary, int ActivitiesHeld, int Beneficiaries);

/// <summary>评估报告</summary>
public sealed record EvaluationReport(string Summary, IReadOnlyList<string> IndicatorsMet, IReadOnlyList<string> IndicatorsMissed);

/// <summary>The three completion documents; all are required, and the audit form must not exceed the grant unflagged.</summary>
public sealed record CompletionDocuments
{
    public CompletionDocuments(ExecutionReport? executionReport, FinancialAuditForm? financialAuditForm, EvaluationReport? evaluationReport)
    {
        Rule.Require(executionReport is not null, "completion.executionReport", "The execution report (执行报告表) is missing.", "缺少执行报告表。");
        Rule.Require(financialAuditForm is not null, "completion.auditForm", "The financial audit form (财务审计表) is missing.", "缺少财务审计表。");
        Rule.Require(evaluationReport is not null, "completion.evaluation", "The evaluation report (评估报告) is missing.", "缺少评估报告。");
        Rule.RequireText(executionReport!.Summary, "completion.executionReport", "Execution report summary", "执行报告内容");
        Rule.RequireText(evaluationReport!.Summary, "completion.evaluation", "Evaluation summary", "评估报告内容");
        ExecutionReport = executionReport;
        FinancialAuditForm = financialAuditForm!;
        EvaluationReport = evaluationReport;
    }

    public ExecutionReport ExecutionReport { get; }
    public FinancialAuditForm FinancialAuditForm { get; }
    public EvaluationReport EvaluationReport { get; }
}
