namespace Governance.Durable;

/// <summary>The name of an orchestrator or activity; converts from a string so <c>nameof(MyActivity)</c> works.</summary>
public readonly record struct TaskName(string Name)
{
    public static implicit operator TaskName(string name) => new(name);

    public static implicit operator string(TaskName name) => name.Name;

    public override string ToString() => Name;
}
