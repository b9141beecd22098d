// The planted bugs of `npm run mutants` (issue 13 part 8): small, plausible kernel mistakes in
// the model's mm/ code, each one exact text substitution (or a few) on assembly/mm/*.ts. The
// runner (run.ts) builds the model with one of them planted and hunts it with
// `faultsim hunt --model linux-2.4.16-fixed --mix all` for a fixed CPU budget: a mutant is
// caught when the hunt reports a violation. The mutation score says how many plausible bugs
// of this code the hunt would catch.
//
// Anchors (`find`) are short and exact, and each must occur exactly once in its file on the
// current tree (test/mutants/table.test.ts): a refactor that moves one fails that test, and the
// anchor is then moved with it. Every mutant is on a path linux-2.4.16-fixed runs (its flags:
// unique-add, pte-same-recheck, remove-exclusive, readahead-skip-header, readahead-sdl,
// oom-recheck, unuse-recheck-key, swapin-recheck-key): a bug planted in a branch of another
// release would be equivalent by construction.
//
// A mutant that no hunt can catch because it changes nothing a kernel could observe carries
// `equivalent`, the argument why; it is still run (a check that the argument holds for this
// budget is not made: only that it is reported apart) and is left out of the score.

/** The kinds of bug the table spreads over (the list, and the usual suspects). */
export const MUTANT_CLASSES = [
  "recheck-dropped", // a recheck after a sleep or under a lock is left out
  "count-not-taken", // a page or swap_map reference (or a counter) not taken
  "count-taken-twice", // one taken twice
  "count-not-dropped", // one never dropped: a leak
  "lock-not-taken", // a lock (page lock, trylock) not taken or its failure ignored
  "lock-not-dropped", // a lock kept: whoever waits on it waits forever
  "cache-delete-left-out", // a swap-cache or LRU delete left out
  "flag-forgotten", // a page flag (dirty, uptodate, ...) not set or not cleared
  "io-lost", // an I/O completion that does not move the data
  "off-by-one", // a bound off by one
  "wrong-list", // the right operation on the wrong object
] as const;
export type MutantClass = (typeof MUTANT_CLASSES)[number];

/** The model's source files a mutant may edit (every mm file). */
export const MUTANT_FILES = [
  "assembly/mm/memory.ts",
  "assembly/mm/swap_state.ts",
  "assembly/mm/swapfile.ts",
  "assembly/mm/vmscan.ts",
  "assembly/mm/page_io.ts",
  "assembly/mm/page_alloc.ts",
  "assembly/mm/fork.ts",
  "assembly/mm/swap.ts",
] as const;
export type MutantFile = (typeof MUTANT_FILES)[number];

/** One exact substitution: `find` occurs exactly once in `file`; it becomes `replace`. */
export interface MutantEdit {
  file: MutantFile;
  find: string;
  replace: string;
}

export interface Mutant {
  /** Short stable name (unique). */
  id: string;
  class: MutantClass;
  /** The kernel function it breaks (kernel file and function). */
  kernel: string;
  /** What goes wrong, in one line. */
  bug: string;
  edits: MutantEdit[];
  /** Why no execution can tell it from the model (left out of the score). */
  equivalent?: string;
}

const MEM = "assembly/mm/memory.ts",
  STATE = "assembly/mm/swap_state.ts",
  SWAPFILE = "assembly/mm/swapfile.ts",
  VMSCAN = "assembly/mm/vmscan.ts",
  IO = "assembly/mm/page_io.ts",
  ALLOC = "assembly/mm/page_alloc.ts",
  FORK = "assembly/mm/fork.ts",
  SWAP = "assembly/mm/swap.ts";

const edit = (file: MutantFile, find: string, replace: string): MutantEdit => ({ file, find, replace });

export const MUTANTS: readonly Mutant[] = [
  // ---- mm/memory.c ----------------------------------------------------------------------
  {
    id: "dsp-pte-same-dropped",
    class: "recheck-dropped",
    kernel: "mm/memory.c do_swap_page",
    bug: "after lock_page, the pte_same recheck under page_table_lock is left out: a pte resolved meanwhile is mapped again",
    edits: [edit(MEM, "if (pte_get(mm, l(DSP_VPAGE)) != swp_entry_to_pte(entry)) {", "if (false) {")],
  },
  {
    id: "dsp-swap-free-missing",
    class: "count-not-dropped",
    kernel: "mm/memory.c do_swap_page",
    bug: "the pte's swap_map reference is not dropped (swap_free left out) once the page is mapped",
    edits: [edit(MEM, "return call(P_SWAP_FREE, DSP_SWAP_FREED, entry, 0, 0, 0);", "return next(DSP_SWAP_FREED);")],
  },
  {
    id: "dsp-lock-page-ignored",
    class: "lock-not-taken",
    kernel: "mm/memory.c do_swap_page",
    bug: "lock_page becomes a TryLockPage whose failure is ignored: the page is mapped before its read completes",
    edits: [
      edit(
        MEM,
        "if (!lock_page(page)) return BLOCK;\n      trace(EV_SWAP_LOCKED, entry, page, 0);\n      // F_SWAPIN",
        "trylock_page(page);\n      trace(EV_SWAP_LOCKED, entry, page, 0);\n      // F_SWAPIN",
      ),
    ],
  },
  {
    id: "dsp-oom-recheck-inverted",
    class: "recheck-dropped",
    kernel: "mm/memory.c do_swap_page",
    bug: "read_swap_cache_async gave nothing: OOM is reported without the pte_same recheck (2.4.8's fix undone)",
    edits: [edit(MEM, "return swapin_none(changed ? 1 : 0);", "return swapin_none(0);")],
  },
  {
    id: "anon-pte-none-recheck-dropped",
    class: "recheck-dropped",
    kernel: "mm/memory.c do_anonymous_page",
    bug: "after alloc_page, the pte_none recheck under page_table_lock is left out: a page another thread mapped is overwritten",
    edits: [edit(MEM, "if (pte_get(mm, page) != 0) {", "if (false) {")],
  },
  {
    id: "wp-reuse-unchecked",
    class: "recheck-dropped",
    kernel: "mm/memory.c do_wp_page",
    bug: "can_share_swap_page's answer is ignored: a page another mm still maps is reused in place",
    edits: [edit(MEM, "if (reuse == 0) return wp_copy();", "if (false) return wp_copy();")],
  },
  {
    id: "wp-copy-no-ref",
    class: "count-not-taken",
    kernel: "mm/memory.c do_wp_page",
    bug: "the copy path holds no reference on the old page across alloc_page, then drops one",
    edits: [edit(MEM, "if (!has(F_WP_COPY_NOREF) && old != ZERO_PAGE) get_page(old);", "")],
  },
  {
    id: "wp-pte-same-dropped",
    class: "recheck-dropped",
    kernel: "mm/memory.c do_wp_page",
    bug: "after alloc_page, the pte_same recheck is left out: a pte changed meanwhile is overwritten by the copy",
    edits: [edit(MEM, "if (pte_get(mm, vp) == l(DWP_PTE)) {", "if (true) {")],
  },
  {
    id: "zap-dirty-lost",
    class: "flag-forgotten",
    kernel: "mm/memory.c zap_pte_range (__free_pte)",
    bug: "a dirty pte is zapped without set_page_dirty: the page's newest data is never written",
    edits: [
      edit(
        MEM,
        "const dirty = (pte & PTE_DIRTY) != 0 && (!has2(F2_DIRTY_MAPPED_ONLY) || page_test(f, PG_SWAPCACHE));",
        "const dirty = false;",
      ),
    ],
    equivalent:
      "the model's memory is private and anonymous, so a dirty pte maps a page only its own mm can reach through it: any other mapping of the page came from fork, whose copy_page_range keeps the dirty bit in the child (only VM_SHARED mappings are made clean, and there are none), or from unuse_pte, after which try_to_unuse sets PG_dirty. The zapped mm's data dies with the zap (its shadow is reset), and every surviving mapping still carries the dirty bit that try_to_swap_out moves to the page; the kernel needs __free_pte's set_page_dirty for shared file mappings, which the model does not have",
  },
  // ---- mm/swap_state.c -------------------------------------------------------------------
  {
    id: "lookup-no-ref",
    class: "count-not-taken",
    kernel: "mm/swap_state.c lookup_swap_cache (find_get_page)",
    bug: "the page found in the swap cache is returned without page_cache_get",
    edits: [edit(STATE, "if (page != 0) get_page(page);\n  return page;", "return page;")],
  },
  {
    id: "add-eexist-check-dropped",
    class: "recheck-dropped",
    kernel: "mm/swap_state.c add_to_swap_cache (add_to_page_cache_unique)",
    bug: "the check for a page already cached under the entry is left out: two cache pages for one entry",
    edits: [edit(STATE, "if (alias != 0) {", "if (false) {")],
  },
  {
    id: "add-enoent-ignored",
    class: "recheck-dropped",
    kernel: "mm/swap_state.c add_to_swap_cache",
    bug: "swap_duplicate's failure (the slot was freed) is ignored: a page is cached for a free slot",
    edits: [edit(STATE, "if (ret_val() == 0) {\n        stat(S_ENOENT_RACES);", "if (false) {\n        stat(S_ENOENT_RACES);")],
  },
  {
    id: "add-eexist-leak",
    class: "count-not-dropped",
    kernel: "mm/swap_state.c add_to_swap_cache",
    bug: "on -EEXIST the swap_duplicate just taken is not swap_free'd",
    edits: [edit(STATE, "return call(P_SWAP_FREE, now(ATSCU_EEXIST), l(ATSC_ENTRY), 0, 0, 0);", "return next(ATSCU_EEXIST);")],
  },
  {
    id: "rsca-new-page-leak",
    class: "count-not-dropped",
    kernel: "mm/swap_state.c read_swap_cache_async",
    bug: "a page allocated for an entry someone else cached meanwhile is not freed",
    edits: [edit(STATE, "if (l(RSCA_NEW_PAGE) != 0) drop_new_page(found);", "")],
  },
  {
    id: "readahead-no-put",
    class: "count-not-dropped",
    kernel: "mm/swap_state.c swapin_readahead",
    bug: "each page read ahead keeps the reference read_swap_cache_async gave (page_cache_release left out)",
    edits: [edit(STATE, "put_page(page);\n        stat(S_READAHEAD);", "stat(S_READAHEAD);")],
  },
  {
    id: "writepage-no-unlock",
    class: "lock-not-dropped",
    kernel: "mm/swap_state.c swap_writepage",
    bug: "a page remove_exclusive_swap_page freed is not unlocked (nothing will write it, so nobody else will)",
    edits: [
      edit(
        STATE,
        "trace(EV_WRITE_NOT_NEEDED, l(SWP_PAGE), l(SWP_ENTRY), 0);\n        unlock_page(l(SWP_PAGE));",
        "trace(EV_WRITE_NOT_NEEDED, l(SWP_PAGE), l(SWP_ENTRY), 0);",
      ),
    ],
  },
  {
    id: "delete-keeps-swapcache-flag",
    class: "flag-forgotten",
    kernel: "mm/swap_state.c __delete_from_swap_cache",
    bug: "the page is unhashed but keeps PG_swapcache",
    edits: [edit(STATE, "set_page_flags(page, page_flags(page) & ~PG_SWAPCACHE);", "")],
  },
  // ---- mm/swapfile.c ---------------------------------------------------------------------
  {
    id: "entry-free-nr-swap-pages",
    class: "count-not-taken",
    kernel: "mm/swapfile.c swap_entry_free",
    bug: "a slot freed by its last reference is not counted back into nr_swap_pages",
    edits: [
      edit(
        SWAPFILE,
        "if (off > area_get(a, A_HIGHEST)) area_set(a, A_HIGHEST, off);\n      gadd(G_NR_SWAP_PAGES, 1);",
        "if (off > area_get(a, A_HIGHEST)) area_set(a, A_HIGHEST, off);",
      ),
    ],
  },
  {
    id: "entry-free-lowest-bit",
    class: "off-by-one",
    kernel: "mm/swapfile.c swap_entry_free",
    bug: "lowest_bit is lowered only for a slot more than one below it: the slot just below stays outside the free bracket",
    edits: [
      edit(
        SWAPFILE,
        "if (off < area_get(a, A_LOWEST)) area_set(a, A_LOWEST, off);",
        "if (off < area_get(a, A_LOWEST) - 1) area_set(a, A_LOWEST, off);",
      ),
    ],
  },
  {
    id: "dup-free-slot",
    class: "recheck-dropped",
    kernel: "mm/swapfile.c swap_duplicate",
    bug: "the count is raised without checking the slot is in use: a freed slot comes back to life",
    edits: [edit(SWAPFILE, "if (count != 0) {\n      if (count < SWAP_MAP_MAX - 1) {", "{\n      if (count < SWAP_MAP_MAX - 1) {")],
  },
  {
    id: "rex-page-count-recheck-dropped",
    class: "recheck-dropped",
    kernel: "mm/swapfile.c remove_exclusive_swap_page",
    bug: "the page count is not rechecked under pagecache_lock: a page someone just looked up leaves the cache",
    edits: [edit(SWAPFILE, "const removed = page_count_users(page) == 2;", "const removed = true;")],
    equivalent:
      "between the unlocked page_count test (2: the caller and the cache) and pagecache_lock, the swap count is 1 and SLL+SDL are held, so no pte can come to hold the entry and no new mapping of the page can appear (a mapping needs a pte reference, fork's included, and the count would be 3 at the first test). The only references that can be taken meanwhile are find_get_page's transient ones: swapin_readahead's (dropped at once), try_to_unuse's (it rechecks PageSwapCache and the key under the page lock) and another thread's fault on the same pte (it backs out on pte_same or the key recheck once it has the page lock). None maps the page after it left the cache, so removing it anyway changes no outcome; in the kernel the recheck also guards holders the model does not have (buffers, shmem, the page cache)",
  },
  {
    id: "rex-clean",
    class: "flag-forgotten",
    kernel: "mm/swapfile.c remove_exclusive_swap_page",
    bug: "the page leaves the swap cache without SetPageDirty: reclaim then drops its data",
    edits: [edit(SWAPFILE, "swap_cache_remove(page);\n        page_set(page, PG_DIRTY);", "swap_cache_remove(page);")],
  },
  {
    id: "can-share-count-unchecked",
    class: "recheck-dropped",
    kernel: "mm/swapfile.c can_share_swap_page (exclusive_swap_page)",
    bug: "the page count is not checked under pagecache_lock: a page another mm maps counts as exclusive",
    edits: [edit(SWAPFILE, "const exclusive = page_count_users(page) == 2;", "const exclusive = true;")],
    equivalent:
      "as for rex-page-count-recheck-dropped: the unlocked test saw count 2 (the caller's pte or lookup and the cache), SLL+SDL keep the swap count at 1 through pagecache_lock, so no other mapping of the page can appear meanwhile, and the only references that can (find_get_page by readahead, try_to_unuse or another thread's fault on the same pte) never map the page: the fault backs out on pte_same once the caller's pte is set, readahead drops its reference, try_to_unuse finds no pte to replace. The recheck guards holders the model does not have (buffers, the page cache, shmem)",
  },
  {
    id: "free-swap-cache-clean",
    class: "flag-forgotten",
    kernel: "mm/swapfile.c free_swap_and_cache",
    bug: "the page deleted from the swap cache is not marked dirty: its data is lost to the next reclaim",
    edits: [edit(SWAPFILE, "const page = l(FSC_PAGE);\n      page_set(page, PG_DIRTY);", "const page = l(FSC_PAGE);")],
  },
  {
    id: "free-swap-trylock-ignored",
    class: "lock-not-taken",
    kernel: "mm/swapfile.c free_swap_and_cache",
    bug: "find_trylock_page's failure is ignored: a page locked by someone else is deleted from the cache",
    edits: [edit(SWAPFILE, "if (page != 0 && !trylock_page(page)) page = 0;", "if (page != 0) trylock_page(page);")],
  },
  {
    id: "get-swap-page-nr-swap-pages",
    class: "count-not-taken",
    kernel: "mm/swapfile.c get_swap_page (scan_swap_map)",
    bug: "a slot handed out is not taken off nr_swap_pages",
    edits: [edit(SWAPFILE, "gadd(G_NR_SWAP_PAGES, -1);", "")],
  },
  {
    id: "unuse-stops-early",
    class: "off-by-one",
    kernel: "mm/swapfile.c try_to_unuse",
    bug: "the mm search stops while two references are left, not one: a pte keeps the entry of an area swapped off",
    edits: [edit(SWAPFILE, "if (mm == start || swap_count(slot) <= 1) break;", "if (mm == start || swap_count(slot) <= 2) break;")],
  },
  {
    id: "unuse-pte-no-ref",
    class: "count-not-taken",
    kernel: "mm/swapfile.c unuse_pte",
    bug: "the pte that now maps the page takes no page reference",
    edits: [edit(SWAPFILE, "get_page(page);\n    pte_set(mm, p, mk_pte(page, 0));", "pte_set(mm, p, mk_pte(page, 0));")],
  },
  {
    id: "unuse-no-wait",
    class: "lock-not-taken",
    kernel: "mm/swapfile.c try_to_unuse",
    bug: "wait_on_page before lock_page is left out",
    edits: [edit(SWAPFILE, "if (!wait_on_page(l(TU_PAGE))) return BLOCK;", "")],
    equivalent:
      "lock_page, the next section, sleeps until the page lock is free, and the read I/O holds that lock until it completes: waiting first only adds a scheduling point where nothing happens, so no state an execution reaches differs",
  },
  // ---- mm/vmscan.c -----------------------------------------------------------------------
  {
    id: "tso-dirty-lost",
    class: "flag-forgotten",
    kernel: "mm/vmscan.c try_to_swap_out",
    bug: "ptep_get_and_clear's dirty bit is not moved to the page: a written swap-cache page is unmapped clean",
    edits: [edit(VMSCAN, "const lock = dirty && (cached || !has2(F2_DIRTY_MAPPED_ONLY)) && set_page_dirty_bit(f);", "const lock = false;")],
  },
  {
    id: "tso-dup-missing",
    class: "count-not-taken",
    kernel: "mm/vmscan.c try_to_swap_out",
    bug: "a page already in the swap cache gets a swap pte without swap_duplicate",
    edits: [edit(VMSCAN, "return call(P_SWAP_DUPLICATE, TSO_DUP_DONE, entry, 0, 0, 0);", "return next(TSO_DUP_DONE);")],
  },
  {
    id: "tso-added-clean",
    class: "flag-forgotten",
    kernel: "mm/vmscan.c try_to_swap_out",
    bug: "the page just added to the swap cache is not set dirty: it is freed without being written",
    edits: [
      edit(VMSCAN, "if (set_page_dirty_bit(l(TSO_FRAME))) return next(TSO_DIRTY_SET_PTE);", "if (false) return next(TSO_DIRTY_SET_PTE);"),
    ],
  },
  {
    id: "shrink-count-recheck-dropped",
    class: "recheck-dropped",
    kernel: "mm/vmscan.c shrink_cache",
    bug: "under pagecache_lock only PageSwapCache is rechecked, not the page count: a page someone just looked up is freed",
    edits: [
      edit(
        VMSCAN,
        "if (!page_test(f, PG_SWAPCACHE) || page_count(f) != 1) {\n    spin_unlock",
        "if (!page_test(f, PG_SWAPCACHE)) {\n    spin_unlock",
      ),
    ],
  },
  {
    id: "shrink-cache-delete-left-out",
    class: "cache-delete-left-out",
    kernel: "mm/vmscan.c shrink_cache (__delete_from_swap_cache)",
    bug: "the page is freed without being taken out of the swap cache",
    edits: [
      edit(
        VMSCAN,
        "swap_cache_remove(f);\n  trace(EV_SHRINK_FREE, f, entry, 0);\n  // F_FREE_UNDER_PCL",
        "trace(EV_SHRINK_FREE, f, entry, 0);\n  // F_FREE_UNDER_PCL",
      ),
    ],
  },
  {
    id: "tso-trylock-ignored",
    class: "lock-not-taken",
    kernel: "mm/vmscan.c try_to_swap_out",
    bug: "TryLockPage's failure is ignored: a page locked by someone else (under I/O, being faulted in) is unmapped",
    edits: [
      edit(VMSCAN, "if (!trylock_page(f)) { trace(EV_TSO_SKIP, vpage(mm, page), f, SKIP_LOCKED); return ret(0); }", "trylock_page(f);"),
    ],
  },
  // ---- mm/page_io.c and the disk ---------------------------------------------------------
  {
    id: "read-uptodate-forgotten",
    class: "flag-forgotten",
    kernel: "mm/page_io.c rw_swap_page (end_buffer_io_async)",
    bug: "a completed swap read does not mark the page uptodate",
    edits: [edit(IO, "page_set(page, PG_UPTODATE);", "")],
  },
  {
    id: "write-data-lost",
    class: "io-lost",
    kernel: "mm/page_io.c rw_swap_page (the write)",
    bug: "a completed swap write leaves the slot's old data",
    edits: [edit(IO, "set_slot_content(slot, page_content(page));", "")],
  },
  {
    id: "io-no-unlock",
    class: "lock-not-dropped",
    kernel: "mm/page_io.c rw_swap_page (end_buffer_io_async)",
    bug: "a completed swap I/O does not unlock its page",
    edits: [edit(IO, "unlock_page(page);\n  if (gget(G_IOQ_HEAD)", "if (gget(G_IOQ_HEAD)")],
  },
  // ---- mm/page_alloc.c -------------------------------------------------------------------
  {
    id: "put-page-frees-early",
    class: "off-by-one",
    kernel: "mm/page_alloc.c __free_pages (put_page_testzero)",
    bug: "a page is freed when its count drops to one, not zero",
    edits: [edit(ALLOC, "if (c != 0) return;", "if (c > 1) return;")],
  },
  {
    id: "rmqueue-count-twice",
    class: "count-taken-twice",
    kernel: "mm/page_alloc.c rmqueue (set_page_count)",
    bug: "a new page starts with two references: it is never freed",
    edits: [edit(ALLOC, "set_page_count(f, 1);", "set_page_count(f, 2);")],
  },
  {
    id: "memalloc-not-cleared",
    class: "flag-forgotten",
    kernel: "mm/page_alloc.c __alloc_pages (balance_classzone)",
    bug: "PF_MEMALLOC stays set after direct reclaim: the task's later allocations fail instead of reclaiming",
    edits: [edit(ALLOC, "ag_set(cur, AG_PF_MEMALLOC, 0);", "")],
  },
  // ---- kernel/fork.c ---------------------------------------------------------------------
  {
    id: "fork-no-page-ref",
    class: "count-not-taken",
    kernel: "mm/memory.c copy_page_range",
    bug: "the child's pte of a present page takes no page reference",
    edits: [edit(FORK, "get_page(f);\n      mm_set(dst, MM_RSS", "mm_set(dst, MM_RSS")],
  },
  {
    id: "fork-parent-writable",
    class: "flag-forgotten",
    kernel: "mm/memory.c copy_page_range (ptep_set_wrprotect)",
    bug: "the parent's pte is not write-protected: its writes land in the page the child shares",
    edits: [edit(FORK, "pte_set(src, i, pte);\n        trace(EV_COPY_COW", "trace(EV_COPY_COW")],
  },
  {
    id: "fork-no-swap-dup",
    class: "count-not-taken",
    kernel: "mm/memory.c copy_page_range (swap_duplicate)",
    bug: "a swap pte is copied without swap_duplicate",
    edits: [
      edit(
        FORK,
        "return call(P_SWAP_DUPLICATE, CPR_SWAP_DUPLICATED, pte_to_swp_entry(pte), 0, 0, 0);",
        "return next(CPR_SWAP_DUPLICATED);",
      ),
    ],
  },
  // ---- mm/swap.c (the LRU lists) ---------------------------------------------------------
  {
    id: "lru-add-uncounted",
    class: "count-not-taken",
    kernel: "mm/swap.c lru_cache_add (add_page_to_inactive_list)",
    bug: "a page added to the inactive list is not counted in nr_inactive_pages",
    edits: [edit(SWAP, "gadd(G_NR_INACTIVE, 1);\n      spin_unlock", "spin_unlock")],
  },
  {
    id: "activate-recheck-dropped",
    class: "recheck-dropped",
    kernel: "mm/swap.c activate_page_nolock",
    bug: "under pagemap_lru_lock, PageActive is not rechecked: an active page is activated again",
    // Survives `hunt --mix all` (857,600 executions in 10 CPU-s, docs/mutants.md): reaching it
    // takes two swap_out walks of two mms mapping the same page (a fork's), both young, both
    // past mark_page_accessed's unlocked test before either takes pagemap_lru_lock. Not
    // equivalent: the lists' counts drift, which the LRU invariant catches at rest.
    edits: [
      edit(
        SWAP,
        "if ((fl & PG_LRU) == 0 || (fl & PG_ACTIVE) != 0) return;\n  if (lru_next(f) == f) { bug(V_BUG_ON, BUG_LRU_UNLINKED, f, fl); return; } // as in",
        "if ((fl & PG_LRU) == 0) return;\n  if (lru_next(f) == f) { bug(V_BUG_ON, BUG_LRU_UNLINKED, f, fl); return; } // as in",
      ),
    ],
  },
  {
    id: "lru-del-wrong-list",
    class: "wrong-list",
    kernel: "mm/swap.c __lru_cache_del (del_page_from_*_list)",
    bug: "a page taken off the LRU is always counted off the inactive list, even from the active one",
    edits: [edit(SWAP, "gadd((fl & PG_ACTIVE) != 0 ? G_NR_ACTIVE : G_NR_INACTIVE, -1);", "gadd(G_NR_INACTIVE, -1);")],
  },
];
