// The hunt's op mix (`faultsim hunt --mix`): the rates at which an execution's ops are reads,
// writes, forks, exits, munmaps, write-protects (mprotect read-only and back), swapoffs and
// swapons. Without --mix a hunt runs the read/write lists it always ran (the ones that find
// the seed races fastest); a mix is turned into cumulative thresholds on one op draw's top
// byte, which the model (assembly/kernel/hunt.ts mixed_op) and huntOp (workload.ts) share.
import { UsageError } from "../errors.js";

/** The op kinds of a mix, in the order of their thresholds. */
export const MIX_KINDS = ["write", "read", "fork", "exit", "munmap", "wprotect", "swapoff", "swapon"] as const;
export type MixKind = (typeof MIX_KINDS)[number];

/** Relative rates (non-negative integers), one per kind. */
export type HuntMix = Record<MixKind, number>;

/** `--mix all`: every kind, page accesses most. The mix for the fixed kernels. */
export const MIX_ALL: HuntMix = { write: 4, read: 4, fork: 1, exit: 1, munmap: 1, wprotect: 1, swapoff: 1, swapon: 1 };

/** The buckets of a draw's top byte. */
const BUCKETS = 256;

/** Parses `--mix`: `all`, or `kind=rate,...` (kinds not named get rate 0; `mprotect` is
 *  another name of wprotect). UsageError on anything else. */
export function parseMix(text: string): HuntMix {
  const t = text.trim();
  if (t === "all") return { ...MIX_ALL };
  const mix: HuntMix = { write: 0, read: 0, fork: 0, exit: 0, munmap: 0, wprotect: 0, swapoff: 0, swapon: 0 };
  const given = new Set<MixKind>();
  for (const part of t.split(",")) {
    const m = /^\s*([a-z]+)\s*=\s*(\d{1,4})\s*$/.exec(part);
    if (!m) throw new UsageError(`--mix: '${part}' is not kind=rate (kinds: ${MIX_KINDS.join(", ")}; or --mix all)`);
    const kind = (m[1] === "mprotect" ? "wprotect" : m[1]) as MixKind;
    if (!MIX_KINDS.includes(kind)) throw new UsageError(`--mix: unknown op kind '${m[1]}' (kinds: ${MIX_KINDS.join(", ")})`);
    // `read=1,read=2` would keep the last rate without a word: which one was meant is unknown.
    if (given.has(kind)) throw new UsageError(`--mix: ${kind} is given twice`);
    given.add(kind);
    mix[kind] = Number(m[2]);
  }
  mixThresholds(mix); // its errors now, not at the first execution
  return mix;
}

/** The cumulative thresholds of a mix on a draw's top byte: op kind k when the byte is below
 *  threshold k and not below threshold k - 1. The last one is 256. Every kind with a rate
 *  gets at least one of the 256 buckets (else UsageError). */
export function mixThresholds(mix: HuntMix): number[] {
  const total = MIX_KINDS.reduce((n, k) => n + mix[k], 0);
  if (total === 0) throw new UsageError("--mix: every rate is 0");
  const out: number[] = [];
  let sum = 0;
  let prev = 0;
  for (const k of MIX_KINDS) {
    sum += mix[k];
    const t = Math.round((sum * BUCKETS) / total);
    if (mix[k] > 0 && t === prev) throw new UsageError(`--mix: the rate of ${k} is too small beside the others (under 1 in ${BUCKETS})`);
    out.push(t);
    prev = t;
  }
  return out;
}

/** The mix in `--mix` form (kinds of rate 0 left out), for messages and repro files. */
export function fmtMix(mix: HuntMix): string {
  return MIX_KINDS.filter((k) => mix[k] > 0)
    .map((k) => `${k}=${mix[k]}`)
    .join(",");
}

/** Whether a mix needs a second mm (a fork's child must be another mm than its parent). */
export const mixForks = (mix: HuntMix | undefined): boolean => mix !== undefined && mix.fork > 0;
/** Whether a mix swaps areas off and on (a hunt then gets a second area by default). */
export const mixSwaps = (mix: HuntMix | undefined): boolean => mix !== undefined && mix.swapoff + mix.swapon > 0;
