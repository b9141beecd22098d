// Kernel variants as named sets of feature flags. Each flag is one historic change to the
// swap-in / swap-cache code (the bits are assembly/model.ts F_*); a model is the set a given
// kernel release shipped, so `--without unique-add` on linux-2.4.16 brings the 2.4.0 insert back.
import { UsageError } from "../errors.js";

export interface FlagInfo {
  /** Name used on the command line (--with / --without). */
  readonly name: string;
  /** Bit in the model's CFG_FLAGS word (assembly/model.ts). */
  readonly bit: number;
  /** What the flag changes in the kernel paths, in one line. */
  readonly what: string;
  /** The releases whose code the flag's "on" side is, e.g. "2.4.0, 2.4.10-pre9" (the models that
   *  set it are exactly these releases' models). */
  readonly shipped: string;
  /** The change that brought or removed the behaviour: date, author, what it changed, and the
   *  kernel file and function it touched. */
  readonly patch: string;
}

/** Keep in the order and with the bits of assembly/model.ts. */
export const FLAGS: readonly FlagInfo[] = [
  { name: "bkl-swapin", bit: 1 << 0, what: "do_swap_page holds the BKL around swapin_readahead + read_swap_cache_async (2.4.0-2.4.15)", shipped: "2.4.0, 2.4.10-pre9", patch: "15 Sep 2001, Hugh Dickins, \"[PATCH] Re: 2.4.10pre VM changes: Potential race\": removed lock_kernel() around swapin_readahead + read_swap_cache_async (mm/memory.c do_swap_page); 2.4.16 has no BKL there" },
  { name: "readahead-refs", bit: 1 << 1, what: "valid_swaphandles takes a swap_map reference on every slot it counts (2.4.0, 2.4.9)", shipped: "2.4.0", patch: "dropped during 2.4.10-pre (pre9 mm/swapfile.c valid_swaphandles: \"Don't grab an extra reference on the swaphandle\"); Marcelo Tosatti's 14 Sep 2001 patch proposed it back; 2.4.16 takes none" },
  { name: "swap-full-delete", bit: 1 << 2, what: "do_swap_page deletes an exclusive page from the swap cache when vm_swap_full, without swap locks (2.4.10-pre)", shipped: "2.4.10-pre9", patch: "10 Aug 2001, Linus Torvalds, 2.4.8 (mm/memory.c do_swap_page: exclusive_swap_page + vm_swap_full -> delete_from_swap_cache_nolock); replaced by remove_exclusive_swap_page in 2.4.16" },
  { name: "unique-add", bit: 1 << 3, what: "add_to_swap_cache checks and inserts under pagecache_lock; -EEXIST/-ENOENT with retry loops (2.4.16)", shipped: "2.4.16", patch: "Hugh Dickins' swap-cache race fixes after the September 2001 thread (mm/swap_state.c add_to_swap_cache -> add_to_page_cache_unique, read_swap_cache_async and try_to_swap_out loop on -EEXIST/-ENOENT); 2.4.0 and 2.4.10-pre9 add unchecked" },
  { name: "pte-same-recheck", bit: 1 << 4, what: "do_swap_page rechecks the pte (pte_same) after lock_page (2.4.7+)", shipped: "2.4.10-pre9, 2.4.16", patch: "10 Aug 2001, Linus Torvalds, 2.4.8 (mm/memory.c do_swap_page: pte_same(*page_table, orig_pte) after lock_page replaces pte_present); 2.4.0 has no recheck" },
  { name: "early-dup", bit: 1 << 5, what: "read_swap_cache_async takes swap_duplicate before its cache lookup (2.4.0)", shipped: "2.4.0", patch: "2.4.0 mm/swap_state.c read_swap_cache_async: swap_duplicate before the cache lookup; by 2.4.10-pre9 the duplicate moved after the second lookup" },
  { name: "fault-mmap-sem", bit: 1 << 6, what: "page faults hold mmap_sem exclusively (2.4.0)", shipped: "2.4.0", patch: "2.4.0 mm/memory.c handle_mm_fault runs the fault under mmap_sem (this model: exclusively); later 2.4 faults take it for reading only" },
  { name: "remove-exclusive", bit: 1 << 7, what: "do_swap_page frees the slot via remove_exclusive_swap_page when vm_swap_full (2.4.16)", shipped: "2.4.16", patch: "Hugh Dickins' 2.4.1x swap fixes (mm/swapfile.c remove_exclusive_swap_page, called from mm/memory.c do_swap_page when vm_swap_full and from swap_writepage); replaces 2.4.8's swap-full delete" },
  { name: "writepage-delete", bit: 1 << 18, what: "swap_writepage deletes a page only the cache and its caller hold, with swap count 1, from the swap cache instead of writing it, reading both counts with no lock (2.4.10-pre9)", shipped: "2.4.10-pre9", patch: "16 Aug 2001, Hugh Dickins, \"[PATCH] more swapoff fixes\" (against 2.4.9, in 2.4.10-pre): mm/swap_state.c swap_writepage calls delete_from_swap_cache_nolock where 2.4.3-2.4.9 only skipped the write (\"page_launder will do it anyway\"); 2.4.0 always writes; 2.4.16 asks remove_exclusive_swap_page under the swap locks" },
  { name: "unscaled-shrink-cache", bit: 1 << 19, what: "shrink_cache sizes its pass with 2.4.16's own numbers, max_scan = nr_inactive_pages / priority and max_mapped = nr_pages << (9 - priority): on the model's small machines swap_out is then never reached from it (the default: max_scan at least 1, 2.4.17's max_mapped = min(nr_pages << (10 - priority), max_scan / 10))", shipped: "none", patch: "2.4.16 mm/vmscan.c shrink_cache: max_scan = nr_inactive_pages / priority, max_mapped = nr_pages << (9 - priority); 2.4.17 made max_mapped min(nr_pages << (10 - priority), max_scan / 10). Set in no model: sized for inactive lists of thousands of pages, the model's have a few" },
];

export interface ModelInfo {
  readonly name: string;
  readonly flags: readonly string[];
  /** One line on what the release is about. */
  readonly what: string;
}

export const MODELS: readonly ModelInfo[] = [
  {
    name: "linux-2.4.0",
    flags: ["bkl-swapin", "readahead-refs", "early-dup", "fault-mmap-sem"],
    what: "unchecked swap-cache insert; the get_swap_page/add vs readahead race 'has been there forever'",
  },
  {
    name: "linux-2.4.10-pre",
    flags: ["bkl-swapin", "swap-full-delete", "pte-same-recheck", "writepage-delete"],
    what: "readahead without swap_map refs and the vm_swap_full delete of the September 2001 races",
  },
  {
    name: "linux-2.4.16",
    flags: ["unique-add", "pte-same-recheck", "remove-exclusive"],
    what: "the shipped fix: atomic check-and-insert under pagecache_lock, no BKL in do_swap_page",
  },
];

/** The release each model is, as FlagInfo.shipped names it. */
export const MODEL_RELEASE: Readonly<Record<string, string>> = {
  "linux-2.4.0": "2.4.0",
  "linux-2.4.10-pre": "2.4.10-pre9",
  "linux-2.4.16": "2.4.16",
};

export const DEFAULT_MODEL = "linux-2.4.16";

export interface ResolvedModel {
  /** Model name, as given. */
  readonly name: string;
  /** The CFG_FLAGS word. */
  readonly flags: number;
  /** Names of the flags set, in FLAGS order. */
  readonly flagNames: string[];
}

const flagByName = new Map(FLAGS.map((f) => [f.name, f]));
const modelByName = new Map(MODELS.map((m) => [m.name, m]));

function flagBit(name: string): number {
  const f = flagByName.get(name);
  if (!f) throw new UsageError(`unknown flag '${name}' (known: ${FLAGS.map((x) => x.name).join(", ")})`);
  return f.bit;
}

/** The model's flag word with `withFlags` added and `withoutFlags` removed (without wins). */
export function resolveModel(name: string, withFlags: readonly string[] = [], withoutFlags: readonly string[] = []): ResolvedModel {
  const m = modelByName.get(name);
  if (!m) throw new UsageError(`unknown model '${name}' (known: ${MODELS.map((x) => x.name).join(", ")})`);
  let flags = 0;
  for (const f of m.flags) flags |= flagBit(f);
  for (const f of withFlags) flags |= flagBit(f);
  for (const f of withoutFlags) flags &= ~flagBit(f);
  return { name, flags, flagNames: flagNamesOf(flags) };
}

/** Names of the flags set in a flag word, in FLAGS order. */
export function flagNamesOf(flags: number): string[] {
  return FLAGS.filter((f) => (flags & f.bit) !== 0).map((f) => f.name);
}
