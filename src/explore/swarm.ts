// Swarm shapes (`faultsim hunt --swarm`): each execution draws its own machine and op mix from
// its own seed, as swarm testing does (Groce et al., ISSTA 2012: leaving features out of a
// test at random finds bugs that a test with every feature always on hides) and as
// TigerBeetle's simulator draws its cluster. A race that needs a third CPU, no kswapd, one
// swap area or a 1-slot readahead window is then reached in a hunt that was never told so.
//
// The draw is a function of the execution's seed alone (never of the executions before it),
// so shards, resumed legs and any number of workers run the same shapes. A repro records the
// shape its execution drew (its machine and mix), so a replay needs nothing else.
//
// Memory pressure is kept by construction: the pages the ops touch follow the frames
// (pagesFollowing), so every shape can run short of free frames and swap (pressure.ts says
// when a fixed shape cannot).
import type { ReproMachine } from "../report/repro.js";
import { fmtJiffy } from "../report/text.js";
import { HUNT_MACHINE, clippedWatermarks } from "./machine.js";
import { fmtMix, mixForks, mixSwaps, MIX_KINDS, parseMix, type HuntMix } from "./mix.js";
import type { HuntOptions } from "./hunt-options.js";
import type { HuntWorkload } from "./workload.js";
import { mix32 } from "../workload/rng.js";
import { pagesWithoutKswapd } from "./defaults.js";

/** The models a hunt runs --swarm on unless told (or given a shape): the fixed kernels, as
 *  shipped, where no race of the default shape is left to find. */
export const SWARM_DEFAULT_MODELS: readonly string[] = ["linux-2.4.16", "linux-2.4.16-fixed"];

/** The ranges a swarm shape is drawn from (inclusive). */
export const SWARM_RANGES = {
  cpus: { min: 2, max: 4 },
  /** From min (or cpus + 3, when higher) up by span - 1: 5..8 frames for 2 CPUs, 6..9 for 3, 7..10 for 4. */
  frames: { min: 5, max: 8 },
  slots: { min: 4, max: 7 },
  areas: { min: 1, max: 2 },
  pageCluster: { min: 0, max: 2 },
} as const;

/** Dimensions of the shape the hunt fixes (its options given): the swarm draws the rest. */
export interface SwarmPins {
  cpus?: number;
  frames?: number;
  pages?: number;
  slots?: number;
  areas?: number;
  mms?: number;
  pageCluster?: number;
  kswapd?: boolean;
  mix?: HuntMix;
  /** --jiffy-steps: every drawn machine runs the model's clock this fast (not a shape option:
   *  given, it leaves the swarm on). */
  jiffySteps?: number;
}

/** What a swarm hunt draws its executions' shapes from. */
export interface SwarmSpec {
  pins: SwarmPins;
  opsPerCpu: number;
  /** The CPUs are threads of one mm (--threads), else each its own process. */
  shareMm: boolean;
  /** The write ratio of a shape drawn without a mix. */
  writeRatio: number;
}

/** One execution's shape: its machine, and its workload (mix included). */
export interface SwarmShape {
  machine: ReproMachine;
  workload: HuntWorkload;
  /** The mix in `--mix` form (absent: reads and writes by the write ratio). */
  mix?: string;
}

/** The extra op kinds a drawn mix may hold beside reads and writes, each on or off. */
const EXTRA_KINDS = MIX_KINDS.filter((k) => k !== "read" && k !== "write");

/** Salt of the shape's draws: unrelated to the op draws of the same execution seed. */
const SHAPE_SALT = 0x73776d73;

/** Values of a range (min..max). */
const span = (r: { min: number; max: number }): number => r.max - r.min + 1;

/**
 * The shape execution seed s draws, as a small code (equal codes, equal shapes; a hunt
 * caches shapes by it): per dimension an index into its range (SWARM_RANGES), kswapd on or
 * off, and the mix's bits (drawnMix). Pinned dimensions are drawn too and then ignored, so a
 * pin changes no other dimension's draw.
 */
export function swarmCode(s: number): number {
  const r = mix32(s ^ SHAPE_SALT) >>> 0;
  const r2 = mix32(r ^ 0x2545f491) >>> 0;
  const cpus = (r & 0xff) % span(SWARM_RANGES.cpus);
  const frames = ((r >>> 8) & 0xff) % span(SWARM_RANGES.frames);
  const slots = ((r >>> 16) & 0xff) % span(SWARM_RANGES.slots);
  const pageCluster = (r >>> 24) % span(SWARM_RANGES.pageCluster);
  const kswapd = r2 & 1;
  const areas = ((r2 >>> 1) & 0xff) % span(SWARM_RANGES.areas);
  // Bit 0 of the mix bits off: no mix, and the others mean nothing.
  const mix = r2 & 0x100 ? (r2 >>> 8) & 0x7f : 0;
  return cpus | (frames << 2) | (slots << 4) | (pageCluster << 6) | (kswapd << 8) | (areas << 9) | (mix << 10);
}

/** Every machine part (a code's low 10 bits: CPUs, frames, slots, page_cluster, kswapd,
 *  areas) swarmCode draws, each once. */
export function swarmMachineCodes(): number[] {
  const out: number[] = [];
  const r = SWARM_RANGES;
  for (let areas = 0; areas < span(r.areas); areas++)
    for (let kswapd = 0; kswapd < 2; kswapd++)
      for (let pc = 0; pc < span(r.pageCluster); pc++)
        for (let slots = 0; slots < span(r.slots); slots++)
          for (let frames = 0; frames < span(r.frames); frames++)
            for (let cpus = 0; cpus < span(r.cpus); cpus++)
              out.push(cpus | (frames << 2) | (slots << 4) | (pc << 6) | (kswapd << 8) | (areas << 9));
  return out;
}

/** The shape of swarm code `code` (swarmCode) under the hunt's pins. */
export function swarmShape(spec: SwarmSpec, code: number): SwarmShape {
  const mix = swarmMix(spec, code);
  const machine = swarmMachine(spec, code, mix);
  const workload: HuntWorkload = {
    cpus: machine.cpus,
    opsPerCpu: spec.opsPerCpu,
    pagesPerMm: machine.pagesPerMm,
    mms: machine.mms,
    shareMm: spec.shareMm,
    writeRatio: spec.writeRatio,
    ...(mix ? { mix, areas: machine.areas } : {}),
  };
  return { machine, workload, ...(mix ? { mix: fmtMix(mix) } : {}) };
}

/** The machine of swarm code `code` whose mix is `mix` (swarmMix): swarmShape's machine,
 *  without its workload (a hunt lays out each machine once: src/explore/loop.ts). */
export function swarmMachine(spec: SwarmSpec, code: number, mix: HuntMix | undefined): ReproMachine {
  const p = spec.pins;
  const cpus = p.cpus ?? SWARM_RANGES.cpus.min + (code & 3);
  // Frames from the range's low end, or three above the CPUs when that is higher (the zero
  // page, a frame in flight per CPU, two to reclaim between): with fewer every CPU can end up
  // in direct reclaim with nothing to free, the livelock of a machine too small for its CPUs
  // (livelock.ts), which linux-2.4.16-fixed showed on 3 CPUs and 5 frames (random scheduler,
  // 16 of 300,000 executions) and 2.4.10-pre on 4 CPUs and 5.
  const frames = p.frames ?? Math.max(SWARM_RANGES.frames.min, cpus + 3) + ((code >>> 2) & 3);
  const slots = p.slots ?? SWARM_RANGES.slots.min + ((code >>> 4) & 3);
  const pageCluster = p.pageCluster ?? SWARM_RANGES.pageCluster.min + ((code >>> 6) & 3);
  const kswapd = p.kswapd ?? ((code >>> 8) & 1) === 1;
  // Half the shapes run the hunt's reads and writes alone (the workload that finds the seed
  // races fastest); the others a mix of reads and writes with each other kind on or off.
  // A mix that swaps off gets a second area, as a hunt's does (src/commands/hunt.ts): the
  // only area swapped off must bring every page it holds into memory, which pages that follow
  // the frames never fit (linux-2.4.16-fixed, 2 CPUs, 5 frames, 2 mms of 3 pages, one area:
  // try_to_unuse livelocked, 1 of 300,000 random executions of --mix all).
  const areas = p.areas ?? (mixSwaps(mix) ? 2 : SWARM_RANGES.areas.min + ((code >>> 9) & 1));
  const mms = p.mms ?? (spec.shareMm ? (mixForks(mix) ? 2 : 1) : cpus);
  // Without kswapd, several mms share the frames (defaults.ts pagesWithoutKswapd): with as
  // many pages each as frames, `--no-kswapd --swarm --keep-going` (seed 1) found no seed-race
  // duplicate in its first 729,856 executions; with half, at execution 702,455.
  const pages = p.pages ?? (kswapd ? pagesFollowing(frames, true) : pagesWithoutKswapd(frames, mms));
  return {
    ...HUNT_MACHINE,
    cpus,
    frames,
    ...clippedWatermarks(frames),
    pagesPerMm: pages,
    slotsPerArea: slots,
    pageCluster,
    kswapd,
    mms,
    areas,
    ...(p.jiffySteps === undefined ? {} : { jiffySteps: p.jiffySteps }),
  };
}

/** The mix of swarm code `code` (swarmCode) under the hunt's pins (none: reads and writes). */
export function swarmMix(spec: SwarmSpec, code: number): HuntMix | undefined {
  return spec.pins.mix ?? drawnMix(code >>> 10);
}

/**
 * Pages follow frames, so that the ops run memory short. With kswapd (woken at pages_low) 2
 * frames fewer than the frames, as the hunt machine's 4 pages in 6 frames (frame 0 is the
 * zero page). Without kswapd nothing reclaims above pages_min, and 4 pages in 5 free frames
 * reclaim only when two CPUs fault one page at once (linux-2.4.10-pre, 3 CPUs, 300,000
 * executions: no seed race, PCT or random); as many pages as frames overfill memory, and
 * direct reclaim swaps.
 */
export const pagesFollowing = (frames: number, kswapd: boolean): number => Math.max(1, kswapd ? frames - 2 : frames);

/** A drawn op mix from 7 bits: bit 0 off, none (reads and writes alone); on, reads and writes
 *  at 4 each with every other kind on (rate 1) or off, a bit each (bits 1..6). */
function drawnMix(bits: number): HuntMix | undefined {
  if ((bits & 1) === 0) return undefined;
  const mix: HuntMix = { write: 4, read: 4, fork: 0, exit: 0, munmap: 0, wprotect: 0, swapoff: 0, swapon: 0 };
  EXTRA_KINDS.forEach((k, i) => {
    mix[k] = (bits >>> (i + 1)) & 1;
  });
  return mix;
}

/** The largest machine a swarm hunt can draw (for PCT's bound: the most agents). */
export function swarmMaxCpus(spec: SwarmSpec): number {
  return spec.pins.cpus ?? SWARM_RANGES.cpus.max;
}

/** The options that give the machine's shape (HuntCli's names): given, they pin the shape
 *  (or, with --swarm, their dimension of it). */
export const SHAPE_OPTIONS = ["cpus", "frames", "pages", "slots", "pageCluster", "kswapd", "mms", "areas", "mix"] as const;
export type ShapeOption = (typeof SHAPE_OPTIONS)[number];

/**
 * A hunt's swarm (src/commands/hunt.ts huntOptions), or undefined: `swarm` as asked (--swarm,
 * --no-swarm), else on for the fixed kernels as shipped (SWARM_DEFAULT_MODELS, no flag
 * changed) when no shape option is given: a shape asked for is hunted as asked. The shape
 * options given (`pinned`) pin their dimensions at the values of o.machine and o.mix.
 */
export function swarmOf(
  o: HuntOptions,
  swarm: boolean | undefined,
  pinned: readonly ShapeOption[],
  flagsChanged: boolean,
): SwarmSpec | undefined {
  const asShipped = SWARM_DEFAULT_MODELS.includes(o.model.name) && !flagsChanged;
  if (!(swarm ?? (asShipped && pinned.length === 0))) return undefined;
  const m = o.machine;
  const values: Required<Record<ShapeOption, unknown>> = {
    cpus: m.cpus,
    frames: m.frames,
    pages: m.pagesPerMm,
    slots: m.slotsPerArea,
    pageCluster: m.pageCluster,
    kswapd: m.kswapd,
    mms: m.mms,
    areas: m.areas,
    mix: o.mix,
  };
  const pins = Object.fromEntries(pinned.map((k) => [k, values[k]])) as SwarmPins;
  if (m.jiffySteps !== undefined) pins.jiffySteps = m.jiffySteps;
  return { pins, opsPerCpu: o.opsPerCpu, shareMm: o.shareMm, writeRatio: o.writeRatio };
}

/** A swarm's pins as a campaign stream records them (the mix in `--mix` form). */
export type StreamPins = Omit<SwarmPins, "mix"> & { mix?: string };

export function pinsOfSwarm(s: SwarmSpec): StreamPins {
  const { mix, ...rest } = s.pins;
  return { ...rest, ...(mix ? { mix: fmtMix(mix) } : {}) };
}

/** The swarm of a campaign's stream: its pins, and the workload options of its start event. */
export function swarmOfPins(p: StreamPins, o: { opsPerCpu: number; shareMm: boolean; writeRatio: number }): SwarmSpec {
  const { mix, ...rest } = p;
  return {
    pins: { ...rest, ...(mix ? { mix: parseMix(mix) } : {}) },
    opsPerCpu: o.opsPerCpu,
    shareMm: o.shareMm,
    writeRatio: o.writeRatio,
  };
}

/** The machine's clock when a hunt runs it fast (`--jiffy-steps`), else nothing. */
export const fmtClock = (m: ReproMachine): string => fmtJiffy(m.jiffySteps);

/** A shape in words: "4 CPUs + kswapd, 7 frames, 2 mms x 5 pages, 2 areas x 6 slots, page_cluster 2, mix write=4,read=4,fork=1". */
export function fmtShape(m: ReproMachine, mix?: string): string {
  return (
    `${m.cpus} CPU${m.cpus > 1 ? "s" : ""}${m.kswapd ? " + kswapd" : ""}, ${m.frames} frames, ${m.mms} mm${m.mms > 1 ? "s" : ""} x ${m.pagesPerMm} pages, ` +
    `${m.areas} area${m.areas > 1 ? "s" : ""} x ${m.slotsPerArea} slots, page_cluster ${m.pageCluster}, ${mix ? `mix ${mix}` : "reads and writes"}` +
    fmtClock(m)
  );
}
