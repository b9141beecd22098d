// Loads the model (Wasm, or its JS twin built from the same sources), configures a machine
// and gives zero-copy typed-array views of its state. Views are rebuilt whenever the memory
// has grown (growth detaches old ArrayBuffers).
import { readFileSync } from "node:fs";
import { readBounded } from "../read-bounded.js";
import path from "node:path";
import { BUILD_WASM_UNTRACED, PROJECT_ROOT, wasmSource, type WasmBuild } from "./files.js";
import { FNV_OFFSET } from "./fnv.js";
import { UsageError } from "../errors.js";
import { type FlagWords, flagWord0, flagWord1 } from "../model/flag-words.js";
import { AG, CFG, CFG_COUNT, R, G, STAT_NAMES, type Stats, type StatName, AGENT_WORDS, STACK_FRAMES, FRAME_WORDS, SCHED } from "./abi.js";

export type Backend = "wasm" | "js";

/** The functions assembly/index.ts exports. */
export interface ModelExports {
  init(): void;
  config_addr(): number;
  regions_addr(): number;
  config_set(key: number, value: number): void;
  layout(): number;
  /** layout()'s size for the current config in 16-byte units, memory left alone (rewrites the
   *  layout: only on an instance that runs no machine). */
  layout_units(): number;
  /** A derived size of the current layout (abi.ts LAYOUT). */
  layout_value(k: number): number;
  reset(): void;
  run(maxSteps: number): number;
  ops_added(cpu: number, tail: number): void;
  ops_end(cpu: number): void;
  /** 0 when on = 1 was asked of the untraced build (it cannot trace). */
  tracing(on: number): number;
  stop_at_op_end(on: number): void;
  replay_len(len: number): void;
  /** The agent that yielded since the last call (-1 none), cleared (src/explore/exhaustive.ts). */
  yield_take(): number;
  /** A uniform choice at every step from the next run() on (src/explore/livelock.ts). */
  sched_fair(): void;
  /** The exhaustive search's state key (assembly/kernel/keyhash.ts): start it, add the words
   *  at byte addresses [from, to), add agents 0..n-1's live stack frames, read its two hashes. */
  key_begin(): void;
  key_words(from: number, to: number): void;
  key_frames(n: number): void;
  key_h1(): number;
  key_h2(): number;
  workload_ops(cpu: number, n: number): number;
  start_proc(cpu: number, proc: number, a0: number, a1: number, a2: number, a3: number): void;
  hunt_workload(ops: number, writeBelow: number, pages: number, mms: number, shareMm: number): void;
  /** The last execution's fingerprint, FNV-1a over its choice log (a signed 32-bit value). */
  hunt_print(): number;
  /** The agents that ran in the last execution, a bit each (after hunt_print). */
  hunt_agents(): number;
  /** Tests: 1 = the hunt's boots clear every array whole (not only what was touched). */
  whole_clear(on: number): void;
  /** Tests: 0 = PCT takes every step through its full choice (no runs of one agent). */
  pct_runs(on: number): void;
  /** The op mix (src/explore/mix.ts): cumulative thresholds of write..swapoff, and the areas. */
  hunt_mix(write: number, read: number, fork: number, exit: number, munmap: number, wprotect: number, swapoff: number, areas: number): void;
  /** run()'s code, or RUN.CLEAN when the execution ended at rest and clean_at_rest found it clean. */
  hunt_execution(seedBase: number, n: number, maxSteps: number): number;
  /** A swarm hunt's execution (src/explore/loop.ts): first lays out the machine of the config
   *  block (newMachine 1), takes the workload of its CFG.HUNT_* words (newWorkload 1); then
   *  hunt_execution. -1 when the machine does not fit in memory. */
  hunt_shaped(seedBase: number, n: number, maxSteps: number, newMachine: number, newWorkload: number): number;
  /** The fused check at rest (assembly/kernel/rest.ts): 1 clean, 0 not clean or not applicable. */
  clean_at_rest(): number;
  /** clean_at_rest over the frames and buckets below only: 1 clean, 0 not clean or not applicable. */
  clean_at_rest_touched(): number;
  /** Frames 0..n-1 are all the frames the executions since the last boot can have named. */
  touched_frames(): number;
  /** Swap-cache buckets written since the last boot (listed at R.HASH_TOUCHED), or
   *  HASH_TOUCHED_MAX + 1 when more were. */
  buckets_touched(): number;
  agent_ret(agent: number): number;
  agent_state(agent: number): number;
  /** FNV-1a (src/wasm/fnv.ts fnvWords) of the words at byte addresses [from, to), from h. */
  state_hash_words(from: number, to: number, h: number): number;
  /** state_hash_words over the state arrays after the stacks, without reading what the
   *  machine cannot have written since its boot (assembly/kernel/hash.ts fnv_state_arrays). */
  state_hash_arrays(h: number): number;
  /** The free stack's lowest written position: below it, position p holds frame nFrames - 1 - p
   *  with its word still zero (assembly/kernel/state.ts freeFilled). */
  free_filled(): number;
  /** state_hash_words over the free stack, the positions below free_filled() as the frames they hold. */
  state_hash_free_stack(h: number): number;
}

/** Everything that sizes and drives a machine. Sizes are checked by validateConfig. */
export interface MachineConfig {
  cpus: number;
  frames: number;
  mms: number;
  pagesPerMm: number;
  areas: number;
  slotsPerArea: number;
  /** The model's flags, CFG_FLAGS (assembly/model.ts F_*) and CFG_FLAGS2 (F2_*). */
  flags: number;
  flags2: number;
  kswapd: boolean;
  pageCluster: number;
  seed: number;
  sched: number;
  pctDepth: number;
  pctK: number;
  /** SCHED.RANDOM: false a uniform draw at every step (bulk runs), true the hunt's random
   *  walk, whose switch probabilities each execution draws (assembly/kernel/sched.ts walk_setup). */
  randomWalk: boolean;
  opCap: number;
  logCap: number;
  traceCap: number;
  freeMin: number;
  freeLow: number;
  freeHigh: number;
  areaPrioEqual: boolean;
  logRing: boolean;
  swapCluster: number;
  /** The run is long enough for out_of_memory's second on the model's clock (bulk runs): under
   *  oom-kill a user allocation short of pages then waits for the OOM killer, as 2.4.16's does;
   *  false (hunts, tests) keeps page_alloc.ts's stand-in, which fails it (CFG_OOM_CLOCK). */
  oomClock?: boolean;
  /** The model's clock: a jiffy is 2^jiffyShift steps, 0..JIFFY_SHIFT_DEFAULT (the default,
   *  ~1.6M steps a second at HZ 100). A faster clock lets a short execution reach 2.4.16's
   *  out_of_memory, whose one-second wait is counted in jiffies (CFG_JIFFY_SHIFT). */
  jiffyShift?: number;
}

/** 2^14 steps a jiffy: the model's clock unless a run or hunt asks for a faster one. */
export const JIFFY_SHIFT_DEFAULT = 14;
/** `--jiffy-steps` (hunt and run): a power of two up to the model's own clock. */
export const JIFFY_STEPS_LIMIT = { min: 1, max: 1 << JIFFY_SHIFT_DEFAULT } as const;

export const DEFAULT_CONFIG: MachineConfig = {
  cpus: 2,
  frames: 64,
  mms: 2,
  pagesPerMm: 64,
  areas: 1,
  slotsPerArea: 128,
  flags: 0,
  flags2: 0,
  kswapd: false,
  pageCluster: 3,
  seed: 1,
  sched: SCHED.RANDOM,
  pctDepth: 3,
  pctK: 1000,
  randomWalk: false,
  opCap: 4096,
  logCap: 1 << 16,
  traceCap: 0,
  freeMin: 2,
  freeLow: 4,
  freeHigh: 8,
  areaPrioEqual: false,
  logRing: true,
  swapCluster: 32,
};

// Where the builds are (src/wasm/files.ts: apart, so `faultsim --version` reads the model id
// without loading the engine).
export { BUILD_WASM, BUILD_WASM_UNTRACED, wasmFile, type WasmBuild } from "./files.js";

const cachedModules = new Map<WasmBuild, WebAssembly.Module>();
/** The compiled Wasm module of a build (compiled once per process; pass it to workers). */
export function wasmModule(build: WasmBuild = "traced"): WebAssembly.Module {
  let m = cachedModules.get(build);
  if (!m) {
    m = compileBuild(wasmSource(build));
    cachedModules.set(build, m);
  }
  return m;
}

/** Refuses (UsageError, exit 2) a private traced build named by FAULTSIM_WASM that does not
 *  load, as every command that runs it does: for `faultsim models`, which runs nothing but
 *  reports the id of the build FAULTSIM_WASM names (the id file beside it), so that it does not
 *  report on a build that is no build. The shipped build is not read (an install is trusted). */
export function checkNamedBuild(): void {
  if (wasmSource("traced").variable) wasmModule("traced");
}

let shippedUntraced: WebAssembly.Module | undefined;
/** The untraced module a backend's run plans its layout with (layoutBytes) and a campaign
 *  hands to its workers. The Wasm backend's is wasmModule's (FAULTSIM_WASM's build when one is
 *  named). The JS backend runs the JS twin, built from the same sources by the same `npm run
 *  build` as build/ (report/version.ts modelBuild): its layout is the shipped build's, and it
 *  reads neither FAULTSIM_WASM nor FAULTSIM_WASM_UNTRACED, so that a private build, good or
 *  bad, changes nothing for it (as for replay, which loads no Wasm with --backend js). */
export function untracedModuleFor(backend: Backend): WebAssembly.Module {
  if (backend === "wasm" || !wasmSource("untraced").variable) return wasmModule("untraced");
  return (shippedUntraced ??= compileBuild({ file: BUILD_WASM_UNTRACED }));
}

/** The most a private model build may be: the shipped builds are 130-200 KB, and a file far
 *  larger (a disk image, a log) is not one; reading it whole would only fill the memory. */
export const PRIVATE_BUILD_MAX_BYTES = 64 * 2 ** 20;

/** Compiles the Wasm file wasmSource chose. A private build named by FAULTSIM_WASM or
 *  FAULTSIM_WASM_UNTRACED that cannot be read or is no Wasm is the user's input (exit 2, one
 *  line naming the variable); the build's own files missing or corrupt are a broken install. */
export function compileBuild({ file, variable: env }: ReturnType<typeof wasmSource>): WebAssembly.Module {
  if (!env) return new WebAssembly.Module(readFileSync(file));
  const bytes = readPrivateBuild(file, `${env}=${process.env[env]}`);
  let m: WebAssembly.Module;
  try {
    m = new WebAssembly.Module(bytes);
  } catch (err) {
    throw new UsageError(`${env}=${process.env[env]}: not a WebAssembly model build (${(err as Error).message})`);
  }
  const names = new Set(WebAssembly.Module.exports(m).map((x) => x.name));
  const missing = ["init", "regions_addr", "config_addr", "run"].find((n) => !names.has(n));
  if (missing) throw new UsageError(`${env}=${process.env[env]}: not a faultsim model build (it exports no ${missing})`);
  return m;
}

/** A private build's bytes. Only a regular file of at most PRIVATE_BUILD_MAX_BYTES is read,
 *  checked before reading: a device (/dev/zero) would be read until the memory ran out, and a
 *  FIFO would wait for a writer, either deaf to SIGTERM in a synchronous read. `named` is the
 *  variable and its value, for the refusal's line. */
function readPrivateBuild(file: string, named: string): Uint8Array<ArrayBuffer> {
  const buf = readBounded(file, PRIVATE_BUILD_MAX_BYTES, {
    cannot: (err) => {
      const e = err as NodeJS.ErrnoException;
      return new UsageError(`${named}: cannot read the model build (${e.code ?? e.message})`);
    },
    notRegular: (kind) => new UsageError(`${named}: is ${kind}, not a model build (only a regular file is read)`),
    tooBig: () =>
      new UsageError(
        `${named}: larger than ${PRIVATE_BUILD_MAX_BYTES / 2 ** 20} MiB, not a model build (the shipped builds are under 1 MiB)`,
      ),
  });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length) as Uint8Array<ArrayBuffer>;
}

let jsFactory: (() => ModelExports & { bind_memory(m: WebAssembly.Memory, base: number): void }) | undefined;
async function loadJsFactory(): Promise<NonNullable<typeof jsFactory>> {
  if (!jsFactory) {
    const url = new URL(`file://${path.join(PROJECT_ROOT, "dist/jsmodel/model.js")}`);
    const mod = (await import(url.href)) as { createModel: NonNullable<typeof jsFactory> };
    jsFactory = mod.createModel;
  }
  return jsFactory;
}

const MAX_PAGES = 65536; // 4 GiB: wasm32's limit

/** Writes a machine's config words into a model instance. */
function writeConfig(m: Pick<ModelExports, "config_set">, c: MachineConfig): void {
  const set = (k: number, v: number) => m.config_set(k, v | 0);
  set(CFG.NCPU, c.cpus);
  set(CFG.NFRAMES, c.frames);
  set(CFG.NMM, c.mms);
  set(CFG.PAGES, c.pagesPerMm);
  set(CFG.NAREAS, c.areas);
  set(CFG.SLOTS, c.slotsPerArea);
  // Both words through flagWord0/1, which refuse a config without word 1 (it would boot as 0).
  set(CFG.FLAGS, flagWord0(c));
  set(CFG.FLAGS2, flagWord1(c));
  set(CFG.KSWAPD, c.kswapd ? 1 : 0);
  set(CFG.PAGE_CLUSTER, c.pageCluster);
  set(CFG.SEED, c.seed);
  set(CFG.SCHED, c.sched);
  set(CFG.PCT_DEPTH, c.pctDepth);
  set(CFG.PCT_K, c.pctK);
  set(CFG.RANDOM_WALK, c.randomWalk ? 1 : 0);
  set(CFG.OPCAP, c.opCap);
  set(CFG.LOGCAP, c.logCap);
  set(CFG.TRACECAP, c.traceCap);
  set(CFG.FREE_MIN, c.freeMin);
  set(CFG.FREE_LOW, c.freeLow);
  set(CFG.FREE_HIGH, c.freeHigh);
  set(CFG.AREA_PRIO_EQUAL, c.areaPrioEqual ? 1 : 0);
  set(CFG.LOG_RING, c.logRing ? 1 : 0);
  set(CFG.SWAP_CLUSTER, c.swapCluster);
  set(CFG.OOM_CLOCK, c.oomClock ? 1 : 0);
  set(CFG.JIFFY_SHIFT, c.jiffyShift ?? JIFFY_SHIFT_DEFAULT);
  set(CFG.GEN, 0); // the in-model generator is off until src/workload configureGenerator turns it on
}

const planners = new Map<Backend, Engine>();
/** The bytes the model's layout (assembly/kernel/state.ts layout_machine) needs for config c,
 *  computed by the model on an instance of its own that never grows its memory; it may pass
 *  the model's 2 GiB (such a machine cannot be laid out). On the untraced build, which lays
 *  out the same regions (tracing compiled out writes no trace, its region is still sized by
 *  the config) and is the one a bulk run loads: `run` compiles one Wasm module, not two. A
 *  `backend` of "js" plans on the build the JS twin was built with (untracedModuleFor). */
export function layoutBytes(c: MachineConfig, backend: Backend = "wasm"): number {
  let planner = planners.get(backend);
  if (!planner) {
    planner = Engine.wasm(untracedModuleFor(backend));
    planners.set(backend, planner);
  }
  writeConfig(planner.m, c);
  return planner.m.layout_units() * 16;
}

export class Engine {
  readonly backend: Backend;
  readonly memory: WebAssembly.Memory;
  readonly m: ModelExports;
  private buffer: ArrayBuffer | undefined;
  private i32v!: Int32Array;
  private u16v!: Uint16Array;
  private u8v!: Uint8Array;
  private regionTable = 0;
  /** The config block's first word (a constant address). */
  private readonly configBase: number;
  config: MachineConfig = { ...DEFAULT_CONFIG };

  private constructor(backend: Backend, memory: WebAssembly.Memory, m: ModelExports) {
    this.backend = backend;
    this.memory = memory;
    this.m = m;
    m.init();
    this.regionTable = m.regions_addr();
    this.configBase = m.config_addr() >> 2;
  }

  /** A Wasm engine (synchronous; pass a module compiled elsewhere, e.g. in a worker). */
  static wasm(module: WebAssembly.Module = wasmModule()): Engine {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES });
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort: () => {
          throw new Error("model abort");
        },
      },
    });
    return new Engine("wasm", memory, instance.exports as unknown as ModelExports);
  }

  /** The same model built to JavaScript. */
  static async js(): Promise<Engine> {
    const factory = await loadJsFactory();
    const model = factory();
    const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES });
    model.bind_memory(memory, 1024);
    return new Engine("js", memory, model);
  }

  /** An engine of the backend; for "wasm", of the given build (the JS twin can always trace). */
  static async create(backend: Backend = "wasm", build: WasmBuild = "traced"): Promise<Engine> {
    return backend === "wasm" ? Engine.wasm(wasmModule(build)) : Engine.js();
  }

  /** Current views (rebuilt after memory growth). Growth detaches the old buffer, whose views
   *  then have length 0 (the memory is never empty): that is tested, not the memory's buffer
   *  getter, a call into V8's runtime that the shrinker's step-at-a-time loops (execute.ts
   *  Replayer.preemptions, runDecisions) made several times a step. */
  private refresh(): void {
    if (this.buffer === undefined || this.i32v.length === 0) {
      this.buffer = this.memory.buffer;
      this.i32v = new Int32Array(this.buffer);
      this.u16v = new Uint16Array(this.buffer);
      this.u8v = new Uint8Array(this.buffer);
    }
  }
  get I32(): Int32Array {
    this.refresh();
    return this.i32v;
  }
  get U16(): Uint16Array {
    this.refresh();
    return this.u16v;
  }
  get U8(): Uint8Array {
    this.refresh();
    return this.u8v;
  }

  /** Base byte address of a region (abi.ts R). */
  region(r: number): number {
    return this.I32[(this.regionTable >> 2) + r];
  }
  /** A derived size of the machine's layout (abi.ts LAYOUT: agents, shifts, hash buckets). */
  layoutValue(k: number): number {
    return this.m.layout_value(k);
  }
  /** An Int32Array view of `length` words of region r (valid until memory grows). */
  view32(r: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.region(r), length);
  }

  /** Writes the config, lays out memory. Throws RangeError when the machine does not fit. */
  configure(config: MachineConfig): void {
    this.config = { ...config };
    const c = this.config;
    writeConfig(this.m, c);
    let bytes: number;
    try {
      bytes = this.m.layout();
    } catch {
      bytes = -1;
    }
    if (bytes < 0)
      throw new RangeError(
        "the machine does not fit in the model's memory (2 GiB at most: the model addresses it with an i32, and the host must be able to grow it)",
      );
    this.refresh();
  }

  /** The config block configure(config) would leave on this engine, as it is now (a swarm
   *  hunt's layouts, src/explore/loop.ts, write its machine's words alone). */
  configImage(config: MachineConfig): Int32Array {
    const image = this.I32.slice(this.configBase, this.configBase + CFG_COUNT);
    writeConfig({ config_set: (k, v) => void (image[k] = v) }, config);
    return image;
  }

  /** Changes config words that may vary between executions without a new layout. */
  setSeed(seed: number): void {
    this.m.config_set(CFG.SEED, seed | 0);
    this.config.seed = seed;
  }
  /** Both flag words (word 0 alone is refused: it would clear word 1). */
  setFlags(flags: FlagWords): void {
    const w0 = flagWord0(flags);
    const w1 = flagWord1(flags);
    this.m.config_set(CFG.FLAGS, w0 | 0);
    this.m.config_set(CFG.FLAGS2, w1 | 0);
    this.config.flags = w0;
    this.config.flags2 = w1;
  }
  setSched(sched: number): void {
    this.m.config_set(CFG.SCHED, sched | 0);
    this.config.sched = sched;
  }
  setConfigWord(key: number, value: number): void {
    this.m.config_set(key, value | 0);
  }
  /** A word of the config block as the model reads it now (a swarm hunt writes its shape's). */
  configWord(key: number): number {
    return this.I32[this.configBase + key];
  }

  reset(): void {
    this.m.reset();
  }

  /** Writes a whole finite op stream for each CPU (after reset). */
  loadOps(perCpu: readonly (readonly number[])[]): void {
    const base = this.region(R.OPS) >> 2;
    const cap = this.config.opCap;
    const I = this.I32;
    for (let cpu = 0; cpu < this.config.cpus; cpu++) {
      const ops = perCpu[cpu] ?? [];
      if (ops.length > cap) throw new RangeError(`cpu ${cpu}: ${ops.length} ops exceed the op buffer (${cap})`);
      for (let i = 0; i < ops.length; i++) I[base + cpu * cap + i] = ops[i];
      this.m.ops_added(cpu, ops.length);
      this.m.ops_end(cpu);
    }
  }

  /** Appends ops to a CPU's ring (bulk mode); returns how many fitted. */
  appendOps(cpu: number, ops: Int32Array, count: number): number {
    const cap = this.config.opCap;
    const head = this.agentWord(cpu, 7); // AG_OP_HEAD
    let tail = this.agentWord(cpu, 8); // AG_OP_TAIL
    const room = cap - (tail - head);
    const n = Math.min(room, count);
    const ring = (this.region(R.OPS) >> 2) + cpu * cap;
    const I = this.I32;
    // At most two block copies: up to the end of the ring, then from its start.
    const at = tail & (cap - 1);
    const first = Math.min(n, cap - at);
    I.set(ops.subarray(0, first), ring + at);
    if (n > first) I.set(ops.subarray(first, n), ring);
    tail += n;
    this.m.ops_added(cpu, tail | 0);
    return n;
  }

  run(maxSteps: number): number {
    return this.m.run(maxSteps | 0);
  }

  global(k: number): number {
    return this.I32[(this.region(R.GLOBALS) >> 2) + k];
  }
  agentWord(agent: number, k: number): number {
    return this.I32[(this.region(R.AGENTS) >> 2) + agent * AGENT_WORDS + k];
  }

  /** One statistics counter as it stands (since the last takeStats), without zeroing it. */
  stat(name: StatName): number {
    return this.I32[(this.region(R.STATS) >> 2) + STAT_NAMES.indexOf(name)] >>> 0;
  }

  /** Reads and zeroes the statistics counters (i32 in the model; summed here as numbers). */
  takeStats(into?: Stats): Stats {
    const out = into ?? (Object.fromEntries(STAT_NAMES.map((n) => [n, 0])) as Stats);
    const base = this.region(R.STATS) >> 2;
    const I = this.I32;
    for (let i = 0; i < STAT_NAMES.length; i++) {
      out[STAT_NAMES[i]] += I[base + i] >>> 0;
      I[base + i] = 0;
    }
    return out;
  }

  /** The recorded choice log of this execution (one agent id per step). */
  choiceLog(): number[] {
    const len = Math.min(this.global(G.LOG_LEN), this.config.logCap);
    const base = this.region(R.LOG);
    return Array.from(this.U8.subarray(base, base + len));
  }

  /** Puts a recorded choice log in place for SCHED.REPLAY (call reset first, then this). */
  loadChoices(choices: readonly number[]): void {
    if (choices.length > this.config.logCap) throw new RangeError("schedule longer than the choice log");
    const base = this.region(R.LOG);
    this.U8.set(choices, base);
    this.m.replay_len(choices.length);
  }

  /** FNV-1a hash over the whole machine state: globals through the end of the state, of
   *  each agent's stack only its live frames (the model never reads above a stack pointer,
   *  and a reset leaves those words as they were). The arrays are hashed by the model without
   *  reading what the machine cannot have written since its boot (zero words, whose first read
   *  would be a page fault each 4 KiB: ~0.1 s of a 1M-frame machine's short run); the value
   *  is stateHashWhole's. */
  stateHash(): string {
    return this.hashState(false);
  }

  /** stateHash read word by word, every array whole: the reference the touched read is held
   *  to (test/engine/state-hash.test.ts). Slower on a large machine: it reads pages nothing wrote. */
  stateHashWhole(): string {
    return this.hashState(true);
  }

  private hashState(whole: boolean): string {
    const I = this.I32;
    let h = FNV_OFFSET;
    // Hashed by the model (assembly/kernel/hash.ts): the same value as fnvWords, compiled
    // code where a loop here would run cold once per process.
    const words = (from: number, to: number) => {
      h = this.m.state_hash_words(from, to, h);
    };
    const stacks = this.region(R.STACKS),
      agents = this.region(R.AGENTS) >> 2;
    words(this.region(R.GLOBALS), stacks);
    const nAgents = this.config.cpus + (this.config.kswapd ? 2 : 1);
    for (let a = 0; a < nAgents; a++) {
      const sp = I[agents + a * AGENT_WORDS + AG.SP];
      const base = stacks + a * STACK_FRAMES * FRAME_WORDS * 4;
      words(base, base + sp * FRAME_WORDS * 4);
    }
    if (whole) {
      // The free stack's positions below free_filled() hold their frames unwritten (a large
      // machine's boot writes its top only): hashed as the frames, every other word as read.
      const stack = this.region(R.FREE_STACK);
      words(this.region(R.AREAS), stack);
      h = this.m.state_hash_free_stack(h);
      words(stack + this.config.frames * 4, this.region(R.OPS));
      words(this.region(R.IOQ), this.region(R.END));
    } else h = this.m.state_hash_arrays(h);
    return (h >>> 0).toString(16).padStart(8, "0");
  }
}
