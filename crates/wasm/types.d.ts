// The shapes the WASM package's functions take and return by hand (camelCase, like the Node
// package's), appended to the generated declarations. The core's own result shapes come from
// ../node/types.d.ts, shared by both packages.

/** An amount of money: a decimal string in major units ("12.50") or a bigint of minor units. */
export type Money = string | bigint;
export interface CreatorArg { id: string; weight: string | number }
export interface SplitOptions { creatorShare?: string | number; fee?: Money; feeMode?: string; step?: string | number }
export interface PaidArg { id: string; amount: Money }
export interface ProposalFileReading {
  status: string;
  tally: { yes: number; no: number; abstain: number };
  refused: Array<[number, string]>;
  decision: CommunityDecision | null;
}
