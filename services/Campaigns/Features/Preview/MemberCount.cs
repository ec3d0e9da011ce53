using Campaigns.Features.Channels;
namespace Campaigns.Features.Preview;

/// <summary>
/// Members of a snapshot falling into one cell (index in the design's order; -1 for the global control) and wave (index
/// from 0) with one reachability mask (<see cref="Channels.ChannelNames.Bit"/>).
/// </summary>
public sealed record MemberCount(int Cell, int Wave, int Mask, long Members);
