using System.Text;

namespace Governance.Durable.Storage;

/// <summary>Maps an instance id to its control-queue partition with a stable hash (FNV-1a), as every host must agree.</summary>
internal static class PartitionHash
{
    public static int PartitionOf(string instanceId, int partitionCount)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(instanceId))
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash % (uint)partitionCount);
    }
}
