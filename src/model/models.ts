// Kernel variants as named sets of feature flags. Each flag is one historic change to the
// swap-in / swap-cache code (the bits are assembly/model.ts F_*); a model is the set a given
// kernel release shipped, so `--without unique-add` on linux-2.4.16 brings the 2.4.0 insert back.
import { UsageError } from "../errors.js";
import { F, F2 } from "../wasm/abi.js";
import type { PrintkRelease } from "../report/events/types.js";
import { type FlagWords, flagWord0, flagWord1 } from "./flag-words.js";

export { type FlagWords, flagWord0, flagWord1, reproFlagWords } from "./flag-words.js";

export interface FlagInfo {
  /** Name used on the command line (--with / --without). */
  readonly name: string;
  /** Which config word holds the flag: 0 (absent) CFG_FLAGS, assembly/model.ts F_*; 1 CFG_FLAGS2, F2_*. */
  readonly word?: 0 | 1;
  /** The flag's bit (its mask) in that word. */
  readonly bit: number;
  /** What the flag changes in the kernel paths, in one line. */
  readonly what: string;
  /** The releases whose code the flag's "on" side is, e.g. "2.4.0, 2.4.10-pre9" (the models that
   *  set it are exactly these releases' models). */
  readonly shipped: string;
  /** The change that brought or removed the behaviour: date, author, what it changed, and the
   *  kernel file and function it touched. */
  readonly patch: string;
  /** For a flag whose "on" side is a shipped release's bug: the release whose later fix turns it
   *  off. linux-2.4.16-fixed, 2.4.16 plus the later fixes, leaves such a flag off. */
  readonly fixedIn?: string;
}

/** Every flag of assembly/model.ts (F_*, then F2_*), named; in the order of its bits (word 0's
 *  order; unscaled-shrink-cache, word 1's first, keeps the place it had in word 0; the other
 *  flags of word 1 follow word 0's, in their bits' order). */
export const FLAGS: readonly FlagInfo[] = [
  {
    name: "bkl-swapin",
    bit: F.BKL_SWAPIN,
    what: "do_swap_page holds the BKL around swapin_readahead + read_swap_cache_async (2.4.0, 2.4.10-pre9; gone by 2.4.16)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race": removed lock_kernel() around swapin_readahead + read_swap_cache_async (mm/memory.c do_swap_page); 2.4.16 has no BKL there',
  },
  {
    name: "readahead-refs",
    bit: F.READAHEAD_REFS,
    what: "valid_swaphandles takes a swap_map reference on every slot it counts; swapin_readahead drops each after that slot's read and does not stop at a failed read (2.4.0)",
    shipped: "2.4.0",
    patch:
      '16 Aug 2001, Hugh Dickins, "[PATCH] more swapoff fixes" (against 2.4.9; mm/swapfile.c valid_swaphandles: "Don\'t grab an extra reference on the swaphandle"; mm/memory.c swapin_readahead breaks at the first failed read_swap_cache_async); Marcelo Tosatti\'s 14 Sep 2001 patch proposed the refs back; 2.4.16 takes none',
  },
  {
    name: "swap-full-delete",
    bit: F.SWAP_FULL_DELETE,
    what: "do_swap_page deletes an exclusive page from the swap cache when vm_swap_full, without swap locks (2.4.10-pre)",
    shipped: "2.4.10-pre9",
    patch:
      "10 Aug 2001, Linus Torvalds, 2.4.8 (mm/memory.c do_swap_page: exclusive_swap_page + vm_swap_full -> delete_from_swap_cache_nolock); replaced by remove_exclusive_swap_page in 2.4.16",
  },
  {
    name: "unique-add",
    bit: F.UNIQUE_ADD,
    what: "add_to_swap_cache checks and inserts under pagecache_lock; -EEXIST/-ENOENT with retry loops (2.4.16); off, the unchecked add of 2.4.0 and 2.4.10-pre9, which shipped with bkl-swapin (or early-dup): off on linux-2.4.16 without --with bkl-swapin no release was, as two faults reading one entry were always serialized (the BKL, then 2.4.10's swap_list_lock, then this check)",
    shipped: "2.4.16",
    patch:
      "4 Oct 2001, Hugh Dickins, 2.4.11-pre4 (Linus Torvalds' announcement: \"Hugh Dickins: add_to_swap_cache racefix cleanup\"; first released in 2.4.11): mm/swap_state.c add_to_swap_cache -> swap_duplicate + add_to_page_cache_unique, read_swap_cache_async and try_to_swap_out loop on -EEXIST/-ENOENT (the noent_race/exist_race counters Hugh later called relics of his 2.4.11 testing; that this pre4 entry is that code is inferred, the patch mail was not found). 2.4.10 (pre15, Hugh Dickins' 15 Sep 2001 patch) had first closed the race with swap_list_lock around read_swap_cache_async's lookup, duplicate and add, a release not modelled; 2.4.0 and 2.4.10-pre9 add unchecked",
  },
  {
    name: "pte-same-recheck",
    bit: F.PTE_SAME_RECHECK,
    what: "do_swap_page retakes page_table_lock after lock_page and backs out unless pte_same (2.4.8+); off: 2.4.0's tail, which maps the page under no page_table_lock and without any recheck",
    shipped: "2.4.10-pre9, 2.4.16",
    patch:
      "10 Aug 2001, Linus Torvalds, 2.4.8 (mm/memory.c do_swap_page: pte_same(*page_table, orig_pte) after lock_page replaces 2.4.4-2.4.7's pte_present test); 2.4.0 has no recheck and no page_table_lock there",
  },
  {
    name: "early-dup",
    bit: F.EARLY_DUP,
    what: "read_swap_cache_async takes swap_duplicate before its cache lookup (2.4.0)",
    shipped: "2.4.0",
    patch:
      "2.4.0 mm/swap_state.c read_swap_cache_async: swap_duplicate before the cache lookup; by 2.4.10-pre9 the duplicate moved after the second lookup",
  },
  {
    name: "fault-mmap-sem",
    bit: F.FAULT_MMAP_SEM,
    what: "page faults hold mmap_sem exclusively (2.4.0)",
    shipped: "2.4.0",
    patch:
      "2.4.0 mm/memory.c handle_mm_fault runs the fault under mmap_sem (this model: exclusively); later 2.4 faults take it for reading only",
  },
  {
    name: "remove-exclusive",
    bit: F.REMOVE_EXCLUSIVE,
    what: "do_swap_page frees the slot via remove_exclusive_swap_page when vm_swap_full (2.4.16)",
    shipped: "2.4.16",
    patch:
      'late Oct 2001, Linus Torvalds, 2.4.14-pre5 ("swap cache page locking update": exclusive_swap_page, whose page-lock premise swap-in no longer kept, replaced by mm/swapfile.c remove_exclusive_swap_page, which takes the locks and deletes; Linus on linux-kernel, 30 Oct 2001) and 2.4.14-pre7 ("reinstate \'delete swap cache on low swap\' code": the call from mm/memory.c do_swap_page when vm_swap_full); first released in 2.4.14; replaces 2.4.8\'s swap-full delete',
  },
  {
    name: "readahead-skip-header",
    bit: F.READAHEAD_SKIP_HEADER,
    what: "valid_swaphandles does no readahead when page_cluster is 0 and starts a window that begins at the header slot 0 at slot 1 (2.4.16); off: the scan starts at slot 0, whose SWAP_MAP_BAD stops it at once",
    shipped: "2.4.16",
    patch:
      '15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race" (mm/swapfile.c valid_swaphandles: return 0 when !page_cluster; toff++, i-- when toff is 0: "don\'t give up at offset 0 which is always SWAP_MAP_BAD")',
  },
  {
    name: "readahead-sdl",
    bit: F.READAHEAD_SDL,
    what: "valid_swaphandles scans swap_map under the area's swap_device_lock (2.4.0, 2.4.16); off: each slot is read unlocked in a step of its own while other CPUs allocate and free slots",
    shipped: "2.4.0, 2.4.16",
    patch:
      '2.4.0 mm/swapfile.c valid_swaphandles scans under swap_device_lock; 2.4.10-pre9 relies on the BKL alone; 15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race": "valid_swaphandles needs swap_device_lock again"',
  },
  {
    name: "sync-swapin",
    bit: F.SYNC_SWAPIN,
    what: "lookup_swap_cache sleeps for the page lock and retries if the page left the swap cache meanwhile (find_lock_page), and do_swap_page's own read waits for its I/O inside read_swap_cache_async under the BKL (2.4.0)",
    shipped: "2.4.0",
    patch:
      '24 Apr 2001, Marcelo Tosatti, "[patch] swap-speedup-2.4.3-B3" (2.4.4-pre): mm/swap_state.c lookup_swap_cache uses Ingo Molnar\'s find_get_swapcache_page instead of find_lock_page, read_swap_cache_async loses its wait argument (mm/memory.c do_swap_page waits after unlock_kernel)',
  },
  {
    name: "readahead-throttle",
    bit: F.READAHEAD_THROTTLE,
    what: "swapin_readahead stops once nr_async_pages (async swap I/O in flight, counted by rw_swap_page until the disk completes it) reaches pager_daemon.swap_cluster << page_cluster (2.4.0, 2.4.10-pre9)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      "2.4.0 mm/memory.c swapin_readahead (\"Don't block on I/O for read-ahead\") and mm/page_io.c rw_swap_page_base (nr_async_pages); Hugh Dickins' 16 Aug 2001 patch against 2.4.9 still kept it; pre9's swapin_readahead is not in the sources (kept, the reading closer to 2.4.0); gone by 2.4.16",
  },
  {
    name: "oom-recheck",
    bit: F.OOM_RECHECK,
    what: "when read_swap_cache_async gives nothing, do_swap_page retakes page_table_lock and reports OOM only if the pte is unchanged (2.4.8+); off: OOM at once",
    shipped: "2.4.10-pre9, 2.4.16",
    patch:
      "10 Aug 2001, Linus Torvalds, 2.4.8, after Jeremy Linton's swapoff report (mm/memory.c do_swap_page: return pte_same(*page_table, orig_pte) ? -1 : 1)",
  },
  {
    name: "unlocked-dup-check",
    bit: F.UNLOCKED_DUP_CHECK,
    what: "swap_duplicate tests the slot count before taking sdev_lock and then increments without a recheck, so it can revive a slot freed in between (2.4.0, 2.4.10-pre9)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race": "swap_duplicate checks within swap_device_lock (+ avoid SWAP_MAP_BAD)" (mm/swapfile.c swap_duplicate); 2.4.16 tests and increments under sdev_lock',
  },
  {
    name: "swapoff-bkl",
    bit: F.SWAPOFF_BKL,
    what: "sys_swapoff keeps the BKL across try_to_unuse (pre9's try_to_unuse yields it once per entry); off, it drops the BKL around try_to_unuse (2.4.16)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race": BKL kept in sys_swapoff but dropped around try_to_unuse, the per-entry unlock_kernel/lock_kernel removed (mm/swapfile.c sys_swapoff, try_to_unuse)',
  },
  {
    name: "free-under-pcl",
    bit: F.FREE_UNDER_PCL,
    what: "__delete_from_swap_cache frees the slot itself with pagecache_lock held (lock order PCL -> SLL -> SDL); off, callers free it after dropping PCL (2.4.16, order SLL -> SDL -> PCL)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race": "lock ordering now prohibits __delete_from_swap_cache from doing its own swap_free inside pagecache_lock" (mm/swap_state.c __delete_from_swap_cache, delete_from_swap_cache; mm/vmscan.c reclaim_page)',
  },
  {
    name: "exclusive-nolock",
    bit: F.EXCLUSIVE_NOLOCK,
    what: "whether a swap-cache page is exclusive is read with no swap lock (2.4.0 is_page_shared, pre9 exclusive_swap_page: page count 2, slot count 1) in can_share_swap_page and free_page_and_swap_cache, which then deletes the page; zap_pte_range drops a swap pte with a bare swap_free (2.4.0, 2.4.10-pre9); off, 2.4.16's exclusive_swap_page under SLL+SDL+PCL, remove_exclusive_swap_page and free_swap_and_cache",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      "after 2.4.10-pre9 (pre9's include/linux/swap.h, shown whole in Hugh Dickins' 15 Sep 2001 patch, declares no free_swap_and_cache, and its exclusive_swap_page is an unlocked inline in include/linux/mm.h); 2.4.16 mm/swapfile.c has exclusive_swap_page under swap_info_get, can_share_swap_page, remove_exclusive_swap_page and free_swap_and_cache, called from mm/memory.c do_wp_page, do_swap_page, zap_pte_range; the patch that brought them is not identified here",
  },
  {
    name: "unuse-delete-first",
    bit: F.UNUSE_DELETE_FIRST,
    what: "try_to_unuse takes its own swap_map reference on the slot and deletes the page from the swap cache (marking it dirty) before searching the mms; a leftover count is cleared only at SWAP_MAP_MAX, sweeps until a sweep finds nothing, and yields the BKL once per entry (pre9; 2.4.0 runs its own loop, flag unuse-clear-undead); off, 2.4.16 searches first and deletes last",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      "16 Aug 2001, Hugh Dickins, \"[PATCH] more swapoff fixes\" (against 2.4.9) kept the delete before the mm search; pre9's try_to_unuse still deletes first (the 15 Sep 2001 patch's mm/swapfile.c try_to_unuse hunk); 2.4.16 searches first and deletes after, without a slot reference",
  },
  {
    name: "writepage-delete",
    bit: F.WRITEPAGE_DELETE,
    what: "swap_writepage deletes a page only the cache and its caller hold, with swap count 1, from the swap cache instead of writing it, reading both counts with no lock (2.4.10-pre9)",
    shipped: "2.4.10-pre9",
    patch:
      '16 Aug 2001, Hugh Dickins, "[PATCH] more swapoff fixes" (against 2.4.9, in 2.4.10-pre): mm/swap_state.c swap_writepage calls delete_from_swap_cache_nolock where 2.4.3-2.4.9 only skipped the write ("page_launder will do it anyway"); 2.4.0 always writes; 2.4.16 asks remove_exclusive_swap_page under the swap locks',
  },
  {
    name: "drop-pte-deactivate",
    bit: F.DROP_PTE_DEACTIVATE,
    what: "try_to_swap_out's drop_pte unlocks the page and drops rss, then calls deactivate_page, which takes pagemap_lru_lock (page_table_lock held) to clear PG_referenced and move an active page with page_count <= 2 to the inactive list, and only then releases the pte's page reference: another CPU can lock the page in between and count that reference (2.4.0); off, unlock and release in one step (2.4.16)",
    shipped: "2.4.0",
    patch:
      "2.4.0 mm/vmscan.c try_to_swap_out (drop_pte: UnlockPage, mm->rss--, deactivate_page, page_cache_release) and mm/swap.c deactivate_page/deactivate_page_nolock; 2.4.10-pre9 calls it too, \"if (!PageReferenced(page)) deactivate_page(page)\" after mm->rss-- and before UnlockPage, the page still locked (a copy of pre9's mm/vmscan.c at the line numbers of Hugh Dickins' 15 Sep 2001 patch; flag drop-pte-deactivate-locked); 2.4.16 mm/vmscan.c drop_pte: mm->rss--, UnlockPage, page_cache_release, no deactivate_page",
  },
  {
    name: "unscaled-shrink-cache",
    word: 1,
    bit: F2.UNSCALED_SHRINK_CACHE,
    what: "shrink_cache sizes its pass with 2.4.16's own numbers, max_scan = nr_inactive_pages / priority and max_mapped = nr_pages << (9 - priority): on the model's small machines swap_out is then never reached from it (the default: max_scan at least 1, 2.4.17's max_mapped = min(nr_pages << (10 - priority), max_scan / 10))",
    shipped: "none",
    patch:
      "2.4.16 mm/vmscan.c shrink_cache: max_scan = nr_inactive_pages / priority, max_mapped = nr_pages << (9 - priority); 2.4.17 made max_mapped min(nr_pages << (10 - priority), max_scan / 10). Set in no model: sized for inactive lists of thousands of pages, the model's have a few",
  },
  {
    name: "swap-full-80",
    bit: F.SWAP_FULL_80,
    what: "vm_swap_full (asked by do_swap_page before its swap-full delete) is true once more than 80% of swap is in use, (total_swap_pages - nr_swap_pages) * 100 > total_swap_pages * 80 (2.4.10-pre9); off, once more than half is, nr_swap_pages * 2 < total_swap_pages (2.4.16)",
    shipped: "2.4.10-pre9",
    patch:
      "10 Aug 2001, Linus Torvalds, 2.4.8 (\"Re: [BUG][PATCH] in sys_swapoff() path\", with Rik van Riel's swap-space-full patch): mm/swapfile.c vm_swap_full, SWAP_FULL_PCT 80, and total_swap_pages; 2.4.10-pre9's include/linux/swap.h still declares the function (Hugh Dickins' 15 Sep 2001 patch, context); 2.4.16 include/linux/swap.h has the 50% macro (the patch that made it one is not identified here); 2.4.0 has no vm_swap_full",
  },
  {
    name: "unuse-clear-undead",
    bit: F.UNUSE_CLEAR_UNDEAD,
    what: "try_to_unuse runs 2.4.0's own loop (over unuse-delete-first's): each turn rescans the map from slot 1, pins the slot, reads it with read_swap_cache (waiting), deletes the page from the swap cache, marks dirty the ptes it fills and those already mapping the page (not the page), then forces ANY count left to 0 and adds it back to nr_swap_pages (\"VM: Undead swap entry\"), with no need_resched point or BKL yield in the loop (2.4.0)",
    shipped: "2.4.0",
    patch:
      '2.4.0 mm/swapfile.c try_to_unuse and unuse_pte; 10 Aug 2001, Linus Torvalds, 2.4.8 ("Re: [BUG][PATCH] in sys_swapoff() path", Jeremy Linton\'s fix: mm/swapfile.c try_to_unuse clears only a SWAP_MAP_MAX count and leaves an undead one for the next pass, free_found_swap_entry); 16 Aug 2001, Hugh Dickins, "[PATCH] more swapoff fixes" (SetPageDirty on the page, the per-entry BKL yield)',
  },
  {
    name: "unuse-recheck-key",
    bit: F.UNUSE_RECHECK_KEY,
    what: "try_to_unuse, once it holds the page lock, deletes the page from the swap cache only while PageSwapCache and page->index is still its entry, and no longer BUGs when the two disagree (a later fix, not in 2.4.16)",
    shipped: "2.4.16-fixed",
    patch:
      'Feb 2008, Hugh Dickins, "mm: try_to_unuse check removing right swpage" (2.6.25, mm/swapfile.c try_to_unuse: "if (PageSwapCache(page) && likely(page_private(page) == entry.val)) delete_from_swap_cache(page)"): a page that free_swap_and_cache or remove_exclusive_swap_page took out of the cache (trylock only) before try_to_unuse locked it may be back in the cache under another area\'s entry; 2.4.16 hits its "(swcount > 0) != PageSwapCache(page)" BUG there, or deletes the wrong entry\'s page',
  },
  {
    name: "swapin-recheck-key",
    bit: F.SWAPIN_RECHECK_KEY,
    what: "do_swap_page, after lock_page, also backs out unless the page is still PageSwapCache with page->index == the pte's entry (a later fix, not in 2.4.16)",
    shipped: "2.4.16-fixed",
    patch:
      'Andrea Arcangeli, then Hugh Dickins (2.6.32-2.6.34, mm/memory.c do_swap_page: "if (unlikely(!PageSwapCache(page) || page_private(page) != entry.val)) goto out_page"): the page found or read for the entry may have left the swap cache, and come back under another entry, while do_swap_page slept in lock_page; pte_same alone cannot see it',
  },
  {
    name: "fork-nolock",
    bit: F.FORK_NOLOCK,
    what: "copy_page_range takes no page_table_lock, neither the child's nor the parent's: the parent's ptes are read, one per step, with only its mmap_sem held, while swap_out and try_to_unuse change them under the parent's page_table_lock (2.4.0); off, dup_mmap holds the child's lock and copy_page_range the parent's (2.4.16)",
    shipped: "2.4.0",
    patch:
      "2.4.0 mm/memory.c copy_page_range and kernel/fork.c dup_mmap take no page_table_lock; by 2.4.9 copy_page_range held dst->page_table_lock across the copy and src->page_table_lock per page table (the removed side of Hugh Dickins' 16 Aug 2001 \"[PATCH] more swapoff fixes\", against 2.4.9, which moved the child's lock out into dup_mmap: 2.4.16's form); the release between 2.4.0 and 2.4.9 that added the locks is not identified here",
  },
  {
    name: "fork-list-late",
    bit: F.FORK_LIST_LATE,
    what: "the child's mm joins the mmlist only after dup_mmap has copied the ptes (and the child task the task list later still), so swap_out and try_to_unuse cannot reach it during the copy (2.4.0); off, dup_mmap lists it before the copy (2.4.16)",
    shipped: "2.4.0",
    patch:
      '16 Aug 2001, Hugh Dickins, "[PATCH] more swapoff fixes" (against 2.4.9; kernel/fork.c: the list_add to the mmlist moves from copy_mm, after dup_mmap, into dup_mmap before the vmas are copied, "Add it first so that swapoff can see any swap entries"); 2.4.0\'s try_to_unuse walks the tasks (for_each_task), which do_fork links after copy_mm',
  },
  {
    name: "swapoff-clears-max",
    bit: F.SWAPOFF_CLEARS_MAX,
    what: "sys_swapoff sets p->max = 0 as it frees p->swap_map, so a stale entry of the area fails every reader's offset < max check (2.4.10-pre9, 2.4.16); off, 2.4.0's teardown frees the map and leaves max: swap_duplicate and valid_swaphandles, whose only check is the offset, read the freed map (a NULL swap_map in 2.4.0)",
    shipped: "2.4.10-pre9, 2.4.16",
    patch:
      '2.4.0 mm/swapfile.c sys_swapoff: "vfree(p->swap_map); p->swap_map = NULL; p->flags = 0;" under the BKL, p->max untouched, while swap_duplicate tests only "offset >= p->max" and valid_swaphandles only "toff >= swapdev->max"; 16 Aug 2001, Hugh Dickins, "[PATCH] more swapoff fixes" (against 2.4.9, in 2.4.10-pre) set p->max = 0 with the map, as this model reads it; 2.4.16 mm/swapfile.c sys_swapoff: "p->max = 0; swap_map = p->swap_map; p->swap_map = NULL; p->flags = 0;" under swap_list_lock and swap_device_lock ("swap_device_lock prevents swap_map being freed", valid_swaphandles). The 2018 fix of the same class, get_swap_device/put_swap_device (Huang Ying, "mm, swap: fix race between swapoff and some swap operations", 2018), has nothing to close in 2.4.16, where every reader holds swap_device_lock and checks max, or holds a count on the slot that try_to_unuse must see dropped before the vfree',
  },
  {
    name: "anon-nolock",
    bit: F.ANON_NOLOCK,
    what: "handle_pte_fault drops page_table_lock for a none pte and do_anonymous_page maps the zero page or its new page without it and without the pte_none recheck after alloc_page (2.4.0)",
    shipped: "2.4.0",
    patch:
      "2.4.0 mm/memory.c handle_pte_fault / do_anonymous_page rely on the fault's exclusive mmap_sem; once faults shared mmap_sem (2.4.8-pre2's do_wp_page comment: 'We hold the mm semaphore for reading'), do_anonymous_page entered with page_table_lock, retook it after alloc_page and backed off unless pte_none (2.4.16 mm/memory.c do_anonymous_page)",
  },
  {
    name: "share-count-nolock",
    bit: F.SHARE_COUNT_NOLOCK,
    what: "do_wp_page reuses the page, and do_swap_page maps it writable, when page_count + swap_count say nobody else uses it, counted without any swap lock (2.4.0 is_page_shared, 2.4.4-2.4.9 exclusive_swap_page)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '2.4.0 include/linux/swap.h is_page_shared; 5 Apr 2001, Linus Torvalds, "Re: [PATCH] swap_state.c thinko": exclusive_swap_page (mm/memory.c do_wp_page, do_swap_page), same unlocked count; 2.4.16 mm/swapfile.c can_share_swap_page/exclusive_swap_page recheck under swaplock, sdev_lock and pagecache_lock',
  },
  {
    name: "wp-copy-noref",
    bit: F.WP_COPY_NOREF,
    what: "do_wp_page takes no reference on the old page while alloc_page sleeps, and copies it only after retaking page_table_lock and the pte_same recheck (2.4.0)",
    shipped: "2.4.0",
    patch:
      '29 Jul 2001, Hugh Dickins, "Re: [PATCH] hold cow while breaking" (mm/memory.c do_wp_page: copy_cow_page moved before the relock in 2.4.8-pre, page_cache_get(old_page) across it); 2.4.16 takes the ref and copies before spin_lock',
  },
  {
    name: "alloc-wait-kswapd",
    bit: F.ALLOC_WAIT_KSWAPD,
    what: "a user allocation (__GFP_WAIT|__GFP_IO) short of pages does not reclaim itself: it wakes kswapd, sleeps on kswapd_done until kswapd ends a turn of its loop, and tries again (2.4.0); off, __alloc_pages calls try_to_free_pages in the allocating task (2.4.16)",
    shipped: "2.4.0",
    patch:
      '2.4.0 mm/page_alloc.c __alloc_pages (wakeup_kswapd(1) then "goto try_again") and mm/vmscan.c wakeup_kswapd, kswapd (wake_up_all(&kswapd_done) each turn); 10 Jan 2001, Marcelo Tosatti, "Re: Yet another bogus piece of do_try_to_free_pages()" (after Linus Torvalds\' "do the work yourself"): removes the kswapd_done sleep, the allocator frees pages itself; 2.4.16 __alloc_pages calls try_to_free_pages via balance_classzone',
  },
  {
    name: "get-swap-page-eq0",
    word: 1,
    bit: F2.GET_SWAP_PAGE_EQ0,
    what: "get_swap_page refuses only when nr_swap_pages == 0: a swapoff in progress, which subtracts its area's pages up front, can drive the count negative while another area still has free slots, and allocation goes on from them (2.4.0, 2.4.10-pre9); off, it refuses at nr_swap_pages <= 0 (2.4.16)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '2.4.0 mm/swapfile.c __get_swap_page: "if (nr_swap_pages == 0) goto out;"; 15 Sep 2001, Hugh Dickins, "[PATCH] Re: 2.4.10pre VM changes: Potential race" (against 2.4.10-pre9; mm/swapfile.c get_swap_page: "<= 0"); 2.4.16 mm/swapfile.c get_swap_page: "if (nr_swap_pages <= 0) goto out;"',
  },
  {
    name: "drop-pte-deactivate-locked",
    word: 1,
    bit: F2.DROP_PTE_DEACTIVATE_LOCKED,
    what: "try_to_swap_out's drop_pte drops rss and, when the page is not PG_referenced, calls deactivate_page, which takes pagemap_lru_lock (page_table_lock held) with the page still locked and the pte's reference still counted, and only then unlocks the page and releases the reference: another CPU meanwhile finds the swap pte installed and the page locked (2.4.10-pre9); off, unlock and release in one step (2.4.16)",
    shipped: "2.4.10-pre9",
    patch:
      '2.4.10-pre9 mm/vmscan.c try_to_swap_out, drop_pte: "mm->rss--; if (!PageReferenced(page)) deactivate_page(page); UnlockPage(page); page_cache_release(page);" (a copy of mm/vmscan.c whose lines match the removed side of Hugh Dickins\' 15 Sep 2001 patch against 2.4.10-pre9, "[PATCH] Re: 2.4.10pre VM changes: Potential race", whose context shows drop_pte: followed by mm->rss--); 2.4.16 mm/vmscan.c drop_pte: mm->rss--, UnlockPage, page_cache_release, no deactivate_page (which patch removed the call is not identified here)',
  },
  {
    name: "is-page-shared",
    word: 1,
    bit: F2.IS_PAGE_SHARED,
    what: "free_page_and_swap_cache (delete from the cache), can_share_swap_page and do_wp_page (reuse in place) decide with is_page_shared: page_count + swap_count - 2, unsigned, at most 1, so a sum of 2 counts as exclusive too (a cached page whose slot was freed under it: reused, or deleted with a swap_free of the free slot), and a page that left the swap cache is exclusive at count 1 (2.4.0); off, exclusive_swap_page: in the swap cache with a sum of exactly 3 (2.4.10-pre9)",
    shipped: "2.4.0",
    patch:
      '2.4.0 include/linux/swap.h is_page_shared ("count = page_count(page); if (PageSwapCache(page)) count += swap_count(page) - 2 - !!page->buffers; return count > 1;", count unsigned), called by mm/swap_state.c free_page_and_swap_cache and mm/memory.c do_wp_page; 2.4.10-pre9 tests exclusive_swap_page instead (page_count + swap_count == 3 on a swap-cache page); the patch that replaced is_page_shared is not identified here',
  },
  {
    name: "dirty-mapped-only",
    word: 1,
    bit: F2.DIRTY_MAPPED_ONLY,
    what: "try_to_swap_out and free_pte move a dirty pte's bit into the page (set_page_dirty) only for a page with a mapping, the model's swap-cache pages; a dirty page outside the cache is judged by its pte, and set_page_dirty comes after add_to_swap_cache, with the bit normally clear, so it takes pagecache_lock there (2.4.0, 2.4.10-pre9); off, every dirty pte's page is dirtied at the unmap or the zap, with no lock for a page without a mapping (2.4.16)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '2.4.0 mm/vmscan.c try_to_swap_out ("if (PageSwapCache(page)) { ... if (pte_dirty(pte)) set_page_dirty(page);", "if (!pte_dirty(pte)) goto drop_pte;", then "add_to_swap_cache(page, entry); set_page_dirty(page);") and mm/memory.c free_pte ("if (pte_dirty(pte) && page->mapping) set_page_dirty(page);"); 2.4.10-pre9 mm/vmscan.c try_to_swap_out the same with "if (!pte_dirty(pte) && !PageDirty(page)) goto drop_pte;" (the copy of pre9\'s mm/vmscan.c named under drop-pte-deactivate-locked); pre9\'s free_pte is in neither patch: 2.4.0\'s, still so in the 2.4.4 patch\'s context; 2.4.16 mm/vmscan.c try_to_swap_out ("if (pte_dirty(pte)) set_page_dirty(page);" before its PageSwapCache test) and mm/memory.c __free_pte ("if (pte_dirty(pte)) set_page_dirty(page);"), with mm/filemap.c set_page_dirty taking pagecache_lock only "if (mapping)"',
  },
  {
    name: "add-before-pcl",
    word: 1,
    bit: F2.ADD_BEFORE_PCL,
    what: "add_to_swap_cache sets PG_swap_cache (test-and-set), rewrites the whole page->flags word with PG_uptodate (a plain read, then a plain write: a bit another CPU sets in between, such as mark_page_accessed's PG_referenced, is lost) and takes the cache's page reference, each before add_to_page_cache_locked takes pagecache_lock for the index and the hash (2.4.0, 2.4.10-pre9); off, flag, reference, index and hash under pagecache_lock in one step",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '2.4.0 mm/swap_state.c add_to_swap_cache ("if (PageTestandSetSwapCache(page)) BUG(); ... flags = page->flags & ~((1 << PG_error) | (1 << PG_arch_1)); page->flags = flags | (1 << PG_uptodate); add_to_page_cache_locked(page, &swapper_space, entry.val);") and mm/filemap.c add_to_page_cache_locked ("page_cache_get(page); spin_lock(&pagecache_lock); page->index = index; ..."); 2.4.10-pre9 mm/swap_state.c add_to_swap_cache: the removed side of Hugh Dickins\' 15 Sep 2001 patch has its "if (PageTestandSetSwapCache(page)) BUG();" between the PageLocked and page->mapping checks, before add_to_page_cache_locked (set on linux-2.4.10-pre since 6 Dec 2026); the flags rewrite and the reference, between that hunk and the next, are not shown and are read as 2.4.0\'s; 2.4.16 mm/swap_state.c add_to_swap_cache through add_to_page_cache_unique, all under pagecache_lock',
  },
  {
    name: "rss-unlocked",
    word: 1,
    bit: F2.RSS_UNLOCKED,
    what: "zap_page_range counts the pages it frees and subtracts them from mm->rss (clamped at 0) after dropping page_table_lock, a read and a write with no lock, and exit_mmap sets mm->rss = 0 before the zap with no lock: a try_to_swap_out rss-- or do_swap_page rss++ between the read and the write is lost (2.4.0); off, rss is updated under page_table_lock (2.4.16)",
    shipped: "2.4.0",
    patch:
      '2.4.0 mm/memory.c zap_page_range ("spin_unlock(&mm->page_table_lock); ... if (mm->rss > freed) mm->rss -= freed; else mm->rss = 0;") and mm/mmap.c exit_mmap ("spin_unlock(&mm->page_table_lock); mm->rss = 0;" before the zap loop); 2.4.16 mm/memory.c zap_page_range (the same test before "spin_unlock(&mm->page_table_lock);") and mm/mmap.c exit_mmap ("mm->rss = 0;" before its unlock); pre9\'s zap_page_range and exit_mmap are in neither patch (left without the flag); which patch moved the update under the lock is not identified here',
  },
  {
    name: "no-mmu-gather",
    word: 1,
    bit: F2.NO_MMU_GATHER,
    what: "zap_pte_range frees each present pte's page (free_pte: set_page_dirty, free_page_and_swap_cache) as the walk clears it, before it looks at the next pte (2.4.0); off, 2.4.16's mmu_gather (SMP): when tlb_gather_mmu saw more than one user of the mm (mm_users != 1: an exit's exit_mmap, which runs at 0, or a munmap by one of several threads), the pte is cleared at once but the page's __free_pte waits in the per-CPU gather until tlb_finish_mmu, at the end of the range or after FREE_PTE_NR (508) ptes, page_table_lock held, so the range's swap entries are freed before its pages",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '2.4.0 mm/memory.c zap_pte_range ("page = ptep_get_and_clear(pte); ... freed += free_pte(page);" for every pte) and free_pte; pre9\'s zap_pte_range is in neither patch (read as 2.4.0\'s: the flag is set); 2.4.16 mm/memory.c zap_pte_range ("tlb_remove_page(tlb, ptep, address + offset);" for a present pte, "free_swap_and_cache(pte_to_swp_entry(pte)); pte_clear(ptep);" for a swap pte) and zap_page_range ("tlb = tlb_gather_mmu(mm); ... tlb_finish_mmu(tlb, start, end);" inside the page_table_lock hold), include/asm-generic/tlb.h (CONFIG_SMP: tlb_gather_mmu "tlb->nr = (atomic_read(&(mm)->mm_users) == 1) ? ~0UL : 0UL;", tlb_remove_page, tlb_finish_mmu, FREE_PTE_NR 508; included by include/asm-i386/tlb.h); which patch brought the gather is not identified here',
  },
  {
    name: "pcl-lru",
    word: 1,
    bit: F2.PCL_LRU,
    what: "pagecache_lock nests outside pagemap_lru_lock (PTL -> PCL -> LRU -> SLL -> SDL): a clean swap-cache page page_launder found (LRU alone) is removed by reclaim_page, which takes PCL, then LRU, rechecks it, __delete_from_swap_cache's it and swap_frees the slot with both held; add_to_page_cache_locked lists the page (lru_cache_add, LRU) inside its PCL hold; a swap-cache lookup of a page off the active list (age 0) runs age_page_up's activate_page (LRU) inside PCL (2.4.0, 2.4.10-pre9); off, 2.4.16's LRU -> PCL: shrink_cache takes PCL inside LRU, the add lists the page after PCL, the lookup takes PCL alone",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      "2.4.0 mm/vmscan.c reclaim_page (\"we have to grab the pagecache_lock before the pagemap_lru_lock to avoid deadlocks\"; __delete_from_swap_cache under both, mm/swap_state.c, which calls swap_free) and page_launder (pagemap_lru_lock alone, dropped around writepage), mm/filemap.c add_to_page_cache_locked (lru_cache_add before spin_unlock(&pagecache_lock)) and __find_page_nolock (age_page_up, mm/swap.c, activate_page at age 0); 2.4.16 mm/vmscan.c shrink_cache takes pagecache_lock inside pagemap_lru_lock and mm/filemap.c lists a page after the unlock; which patch reversed the order is not identified here. pre9's reclaim_page (a copy of its mm/vmscan.c in the code index, see docs/faithfulness.md try_to_swap_out) takes the two in 2.4.0's order, so linux-2.4.10-pre sets the flag (since 6 Dec 2026; before, it ran 2.4.16's LRU -> PCL, an order pre9's reclaim cannot show); pre9's mm/filemap.c is not in the sources at hand: its add_to_page_cache_locked is read as 2.4.0's (lru_cache_add inside PCL, a nesting its reclaim_page's order allows), and its lookup_swap_cache is find_get_page (Marcelo Tosatti's 24 Apr 2001 swap-speedup patch), so 2.4.0's age_page_up under PCL (which only the find_lock_page lookup of flag sync-swapin runs) is not pre9's",
  },
  {
    name: "del-lru",
    word: 1,
    bit: F2.DEL_LRU,
    what: "delete_from_swap_cache (delete_from_swap_cache_nolock) first takes the page off the LRU: block_flushpage of a page without buffers returns 1, so lru_cache_del takes pagemap_lru_lock, unlinks the page and drops the lock, before pagecache_lock is taken for the removal; every delete of a model page (free_page_and_swap_cache, try_to_unuse, pre9's vm_swap_full delete in do_swap_page and its swap_writepage delete) leaves a page that may still be mapped off the LRU until try_to_swap_out adds it to the swap cache again, and the model's 2.4.16 reclaim, which meets mapped pages only on the list, runs swap_out from a pass that finds the inactive list empty while such a page is in use, as 2.4.0's refill_inactive runs it whatever the lists hold (2.4.0, 2.4.10-pre9); off, the page stays listed until its last put_page takes it off (2.4.16)",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      '2.4.0 mm/swap_state.c delete_from_swap_cache_nolock ("if (block_flushpage(page, 0)) lru_cache_del(page);" before "spin_lock(&pagecache_lock);") and mm/swap.c lru_cache_del; pre9: the same lines as unchanged context of Hugh Dickins\' 15 Sep 2001 patch "[PATCH] Re: 2.4.10pre VM changes: Potential race" (its --- 2.4.10-pre9/mm/swap_state.c hunk that renames delete_from_swap_cache_nolock to delete_from_swap_cache), and its swap_writepage hunk calls delete_from_swap_cache_nolock; 2.4.16 mm/swap_state.c delete_from_swap_cache calls block_flushpage alone (its page_cache_release takes a listed page off the LRU); which patch dropped the lru_cache_del is not identified here',
  },
  {
    name: "oom-kill",
    word: 1,
    bit: F2.OOM_KILL,
    what: "try_to_free_pages, short of its pages at every priority, calls out_of_memory, which kills nothing while nr_swap_pages > 0 and counts its calls once a second has passed since the first (a gap of over 5 s starts it all again), and at the tenth counted; then oom_kill sends SIGKILL with PF_MEMALLOC | PF_MEMDIE to every task of the process with the most badness points: its allocations take any free page without reclaiming, and its exit frees its pages and swap slots (2.4.16). The model's clock is its steps (a jiffy is 16,384 of them, so no hunt execution reaches a second); every model process has the same total_vm and none has run long enough for the time divisors to count, so the victim is the oldest process, the first of the task list; off, nobody is killed and a machine whose swap cannot take a page crawls on reclaiming",
    shipped: "2.4.16",
    patch:
      "2.4.16 mm/oom_kill.c out_of_memory (\"If we haven't tried for at least one second, we're not really oom\"), oom_kill, oom_kill_task, called from mm/vmscan.c try_to_free_pages (\"Hmm.. Cache shrink failed - time to kill something?\"); 2.4.0's mm/oom_kill.c out_of_memory has no clock (free pages, inactive_clean pages and free swap) and kswapd calls it, which the model does not have; pre9's mm/oom_kill.c is not in the sources at hand, and which patch brought the clocked form is not identified here",
  },
  {
    name: "kswapd-timeout",
    word: 1,
    bit: F2.KSWAPD_TIMEOUT,
    what: "a kswapd pass whose try_to_free_pages falls short of its nr_pages (returns 0) clears need_balance and sleeps schedule_timeout(HZ) in TASK_INTERRUPTIBLE off kswapd_wait: no wakeup_kswapd reaches it for a second of the model's clock (a hunt on the model's own clock never reaches it: kswapd sleeps out the execution), then it runs another pass if an allocation set need_balance meanwhile (2.4.16); off, it sleeps on kswapd_wait at once and the next allocation below the watermark wakes it",
    shipped: "2.4.16",
    patch:
      "2.4.16 mm/vmscan.c kswapd_balance_pgdat (\"if (!try_to_free_pages(zone, GFP_KSWAPD, 0)) { zone->need_balance = 0; __set_current_state(TASK_INTERRUPTIBLE); schedule_timeout(HZ); continue; }\") and kswapd (kswapd_wait joined only around its kswapd_can_sleep test); 2.4.0's kswapd sleeps interruptible_sleep_on_timeout(&kswapd_wait, HZ), which a wakeup ends, and pre9's mm/vmscan.c is not in the sources at hand: neither model sets it",
  },
  {
    name: "swap-amount",
    word: 1,
    bit: F2.SWAP_AMOUNT,
    what: "swap_out walks the allocating task's own mm first (current->mm: a CPU's, not kswapd's; unpinned, without mmlist_lock), then (mmlist_nr << 4) >> priority + 1 mms round-robin from swap_mm, which moves on at every pick, each for swap_amount(mm) = rss >> 5 present ptes (at least min(8, rss)) whatever they free, active pages not passed over, no need_resched point between mms, swap_address reset to 0 at the end of the address space (2.4.10-pre9); off, 2.4.16's swap_out: no own-mm walk, swap_mm kept on an mm until a walk takes it to TASK_SIZE, each walk until SWAP_CLUSTER_MAX pages are freeable, \"We raced\" under the PTL",
    shipped: "2.4.10-pre9",
    patch:
      '2.4.10-pre9 mm/vmscan.c swap_out ("Always start by trying to penalize the process that is allocating memory"; "Set pointer for next call to next in the list"), swap_amount ("Walk about 6% of the address space each time"), swap_out_mm, swap_out_pmd ("if (!--count) break;") and try_to_swap_out (no PageActive test), read in a copy of pre9\'s mm/vmscan.c at the line numbers of Hugh Dickins\' 15 Sep 2001 patch (docs/faithfulness.md, swap_out); Andrea Arcangeli\'s VM, merged in 2.4.10 (23 Sep 2001), brought 2.4.16\'s form: swap_mm kept until TASK_SIZE, a walk until nr_pages are freeable, the PageActive test. 2.4.0\'s swap_out picks the mm with the largest swap_cnt instead (flag swap-cnt)',
  },
  {
    name: "swap-cnt",
    word: 1,
    bit: F2.SWAP_CNT,
    what: "swap_out picks under mmlist_lock the first mm with the largest swap_cnt among those with rss, pins it and walks it alone; when no mm has swap_cnt left it drops the lock and picks again, first refreshing every swap_cnt to rss >> 5 (at least 8); try_to_swap_out spends one swap_cnt on each present page and, at 0, stops the walk past that page without looking at it; a walk to the end of the address space resets swap_address and swap_cnt to 0; no swap_mm, no \"We raced\", no need_resched point in swap_out (2.4.0); off, 2.4.16's swap_out (pre9's under swap-amount)",
    shipped: "2.4.0",
    patch:
      'linux-2.4.0 mm/vmscan.c swap_out ("Select the task with maximal swap_cnt and try to swap out a page"; "Think of swap_cnt as a \\"shadow rss\\""), swap_out_mm ("Reset to 0 when we reach the end of address space": swap_address and swap_cnt), swap_out_pmd (swap_address stored before each try_to_swap_out) and try_to_swap_out ("if (!mm->swap_cnt) return 1; mm->swap_cnt--;"); kernel/fork.c dup_mmap ("mm->swap_cnt = 0;"). pre9\'s own-mm-first round-robin (flag swap-amount) had replaced the swap_cnt choice by 2.4.10-pre9',
  },
  {
    name: "local-pages",
    word: 1,
    bit: F2.LOCAL_PAGES,
    what: "a task reclaiming for its own allocation (balance_classzone, PF_FREE_PAGES) keeps the first page it frees on current->local_pages, off the free lists and nr_free, where no other task can take it; after a try_to_free_pages that freed all it was asked for it takes that page, else frees it back (2.4.16); off, every page freed goes to the free lists, and the task takes any free page after its reclaim",
    shipped: "2.4.16",
    patch:
      '2.4.16 mm/page_alloc.c __free_pages_ok ("local_freelist: if (current->nr_local_pages) goto back_local_freelist; ... list_add(&page->list, &current->local_pages)") and balance_classzone ("current->flags |= PF_MEMALLOC | PF_FREE_PAGES"; "if (likely(__freed))": take the local page, then free the rest); linux-2.4.0 mm/page_alloc.c has no local_pages, and pre9\'s page_alloc.c is not in the sources at hand (its allocator loops back to try_again, docs/faithfulness.md __alloc_pages): neither model sets it',
  },
  {
    name: "plain-add-flags",
    word: 1,
    bit: F2.PLAIN_ADD_FLAGS,
    what: "__add_to_page_cache rewrites page->flags with a plain load and, a section later, a plain store of the masked word (pagecache_lock held, which no other writer of those bits takes): add_to_swap_cache's store undoes a PG_active that another CPU's mark_page_accessed (activate_page) set meanwhile, leaving the page on the active list without it (2.4.16, until 2.4.23; no modelled path writes the flags in that window: the kernel's shmem and file-page callers are not modelled); off, Rik van Riel's atomic bit operations (the later fix): one section. Only add_to_swap_cache's 2.4.16 form (unique-add) reads it: 2.4.0's own plain store is add-before-pcl, pre9's add is in neither patch",
    shipped: "2.4.16",
    fixedIn: "2.4.23",
    patch:
      'Rik van Riel, 7 Oct 2003, linux-kernel "[PATCH] page->flags corruption fix" (to Marcelo Tosatti for 2.4.23: "fix page->flags corruption due to races between atomic and non-atomic accesses, originally found and fixed by Robert Hentosh and Matt Domsch"; "A similar fix went into the 2.6 kernel"): mm/filemap.c __add_to_page_cache\'s "flags = page->flags & ~(...); page->flags = flags | (1 << PG_locked);" became ClearPageUptodate ... LockPage (and __free_pages_ok\'s "page->flags &= ~(...)" ClearPageReferenced, ClearPageDirty); 2.4.16 mm/filemap.c __add_to_page_cache has the plain store',
  },
  {
    name: "set-page-dirty-recheck",
    word: 1,
    bit: F2.SET_PAGE_DIRTY_RECHECK,
    what: "set_page_dirty reads page->mapping again once it holds pagecache_lock and moves the page to that mapping's dirty list only if it still has one (a later fix, not in 2.4.16); off, the mapping read before the lock is used: a zap's set_page_dirty of a dirty pte's page (the zap holds its PTL, not the page lock) that another CPU's delete_from_swap_cache (try_to_unuse, or free_swap_and_cache when vm_swap_full) took out of the swap cache after the read links page->list onto swapper_space's dirty list though the page is no longer in swapper_space, and the free lists reuse that link once the page is freed (2.4.16; 2.4.0's __set_page_dirty follows the NULL mapping instead): violation dirty-list",
    shipped: "2.4.16-fixed",
    patch:
      '2.4.20 mm/filemap.c set_page_dirty: "spin_lock(&pagecache_lock); mapping = page->mapping; if (mapping) {	/* may have been truncated */ list_del(&page->list); list_add(&page->list, &mapping->dirty_pages); }" (read in a copy of 2.4.20\'s mm/filemap.c; a copy of 2.4.19\'s, a vendor tree, and 2.4.16\'s have the single read before the lock; the patch mail was not found). 2.4.16 mm/filemap.c set_page_dirty, mm/memory.c __free_pte ("if (pte_dirty(pte)) set_page_dirty(page)"), mm/swap_state.c __delete_from_swap_cache ("ClearPageDirty(page); __remove_inode_page(page);"); linux-2.4.0 mm/filemap.c __set_page_dirty',
  },
  {
    name: "oom-pin-mm",
    word: 1,
    bit: F2.OOM_PIN_MM,
    what: "oom_kill reads the chosen task's mm under task_lock and pins it (mm_users) in the same tasklist_lock hold as select_bad_process, and kills the tasks of the pinned mm in it; a task with no mm by then is selected again (the hold dropped and retaken) (a later fix, not in 2.4.16); off, 2.4.16's oom_kill: select_bad_process drops tasklist_lock, the kill loop retakes it and compares each task's mm with the chosen task's mm as it reads it then, NULL once that task has passed exit_mm, so every task without an mm, the kernel threads among them, is killed (needs oom-kill)",
    shipped: "2.4.16-fixed",
    patch:
      'Anton Blanchard, 5 Jul 2003, linux-mm "Re: 2.5.74-mm1" ("there is no locking to prevent p->mm ending up NULL due to exit. And if p->mm does end up NULL, you go off and kill all your kernel threads"); for 2.4, William Lee Irwin III, 12 Aug 2004, linux-kernel "Re: linux-2.4.27 released" (mm/oom_kill.c: oom_kill_task takes task_lock, pins p->mm under mmlist_lock, and oom_kill retries select_bad_process when it gets none, then kills "q->mm == mm" and mmput()s it); 2.4.16 mm/oom_kill.c oom_kill calls select_bad_process (its own read_lock) before its loop\'s read_lock',
  },
  {
    name: "swap-buffers",
    word: 1,
    bit: F2.SWAP_BUFFERS,
    what: "swap I/O leaves buffer heads on the page (brw_page's create_empty_buffers), with one page reference for them, after the I/O is done; only try_to_free_buffers drops them, in reclaim's buffers branch (page_launder: a reference of its own, pagemap_lru_lock dropped around the free, the page locked) or in block_flushpage as delete_from_swap_cache_nolock takes the page out of the cache. The count tests that do not subtract them see one more: do_wp_page's switch (page_count(old_page)) copies a page just read from swap or written to it (count 3 with one pte) until reclaim has freed its buffers, and page_launder and reclaim_page do not take such a page as unused; is_page_shared, deactivate_page and the exclusivity tests subtract them as the kernel does (2.4.0); off, pages never have buffers: 2.4.16's and pre9's pages have them too, but every count test of theirs that the model has subtracts them (2.4.16's free_swap_and_cache aside: the model takes its path for a page whose buffers are gone), so leaving them out there loses only reclaim's buffers-branch windows",
    shipped: "2.4.0",
    patch:
      'linux-2.4.0 mm/page_io.c rw_swap_page_base ("brw_page(rw, page, dev, zones, block_size);") and fs/buffer.c brw_page ("if (!page->buffers) create_empty_buffers(page, dev, size);"; create_empty_buffers ends "page->buffers = head; page_cache_get(page);"), try_to_free_buffers ("page->buffers = NULL; page_cache_release(page);") and block_flushpage; mm/vmscan.c page_launder\'s "if (page->buffers)" branch and reclaim_page\'s "page->buffers ||" test; mm/memory.c do_wp_page ("switch (page_count(old_page)) { case 2: ..."), which 2.4.10-pre9 gave a "case 3: if (!old_page->buffers) break;" and 2.4.16 moved into can_share_swap_page; include/linux/swap.h is_page_shared ("- !!page->buffers")',
  },
  {
    name: "launder-skips-locked",
    word: 1,
    bit: F2.LAUNDER_SKIPS_LOCKED,
    what: "reclaim passes over a locked page of the inactive list and goes on with the next one, never sleeping on it: the old VM's page_launder moves a page under I/O to the back of its list (2.4.0, 2.4.10-pre9); off, 2.4.16's shrink_cache waits for the write of a page it laundered itself (PG_launder: page_cache_get, pagemap_lru_lock dropped, wait_on_page, page_cache_release), which is also what makes a direct reclaimer wait for the disk",
    shipped: "2.4.0, 2.4.10-pre9",
    patch:
      'linux-2.4.0 mm/vmscan.c page_launder ("The page is locked. IO in progress? Move it to the back of the list. if (TryLockPage(page)) { list_del(page_lru); list_add(page_lru, &inactive_dirty_list); continue; }"), the same lines in 2.4.10-pre9\'s page_launder; linux-2.4.16 mm/vmscan.c shrink_cache ("if (unlikely(TryLockPage(page))) { if (PageLaunder(page) && (gfp_mask & __GFP_FS)) { page_cache_get(page); spin_unlock(&pagemap_lru_lock); wait_on_page(page); page_cache_release(page); spin_lock(&pagemap_lru_lock); } continue; }")',
  },
];

export interface ModelInfo {
  readonly name: string;
  readonly flags: readonly string[];
  /** One line on what the release is about. */
  readonly what: string;
}

/** linux-2.4.16's flags as shipped; linux-2.4.16-fixed is these plus every later fix. */
const LINUX_2416_FLAGS: readonly string[] = [
  "unique-add",
  "pte-same-recheck",
  "remove-exclusive",
  "readahead-skip-header",
  "readahead-sdl",
  "oom-recheck",
  "swapoff-clears-max",
  "oom-kill",
  "kswapd-timeout",
  "local-pages",
  "plain-add-flags",
];

/** What every model shares, said beside the models (`faultsim models`): the reclaim policy is
 *  2.4.16's but for pre9's and 2.4.0's own swap_out (flags swap-amount, swap-cnt), and the steps that touch the swap
 *  cache and the swap map are each release's own (assembly/mm/vmscan.ts's header,
 *  docs/faithfulness.md). */
export const RECLAIM_POLICY =
  "reclaim policy (which page, when, how many) is 2.4.16's in every model: shrink_cache over one inactive list with the referenced bit, " +
  "kswapd up to pages_high; 2.4.0 and 2.4.10-pre9 reclaimed with page_launder, reclaim_page and refill_inactive_scan's page ages, which are not " +
  "modelled. Which mm swap_out walks is each release's own: 2.4.16's round-robin (swap_mm kept until its walk reaches TASK_SIZE) in linux-2.4.16, " +
  "pre9's in linux-2.4.10-pre (flag swap-amount: the allocating task's mm first, then swap_mm moved on at every pick, swap_amount ptes each), " +
  "2.4.0's in linux-2.4.0 (flag swap-cnt: the one mm with the largest swap_cnt, walked until its swap_cnt is spent). Each release's own, " +
  "by its flags: every step that touches the swap cache or the swap map (try_to_swap_out's entry and add, the write-out, the removal and its locks) " +
  "(docs/faithfulness.md)";

export const MODELS: readonly ModelInfo[] = [
  {
    name: "linux-2.4.0",
    flags: [
      "bkl-swapin",
      "readahead-refs",
      "early-dup",
      "fault-mmap-sem",
      "anon-nolock",
      "share-count-nolock",
      "wp-copy-noref",
      "unlocked-dup-check",
      "swapoff-bkl",
      "free-under-pcl",
      "exclusive-nolock",
      "unuse-delete-first",
      "readahead-sdl",
      "sync-swapin",
      "readahead-throttle",
      "unuse-clear-undead",
      "fork-nolock",
      "fork-list-late",
      "alloc-wait-kswapd",
      "drop-pte-deactivate",
      "get-swap-page-eq0",
      "is-page-shared",
      "dirty-mapped-only",
      "add-before-pcl",
      "rss-unlocked",
      "no-mmu-gather",
      "pcl-lru",
      "del-lru",
      "swap-cnt",
      "swap-buffers",
      "launder-skips-locked",
    ],
    what: "unchecked swap-cache insert; the get_swap_page/add vs readahead race 'has been there forever'",
  },
  {
    name: "linux-2.4.10-pre",
    flags: [
      "bkl-swapin",
      "swap-full-delete",
      "pte-same-recheck",
      "share-count-nolock",
      "unlocked-dup-check",
      "swapoff-bkl",
      "free-under-pcl",
      "exclusive-nolock",
      "unuse-delete-first",
      "writepage-delete",
      "readahead-throttle",
      "oom-recheck",
      "swap-full-80",
      "swapoff-clears-max",
      "get-swap-page-eq0",
      "drop-pte-deactivate-locked",
      "dirty-mapped-only",
      "add-before-pcl",
      "no-mmu-gather",
      "pcl-lru",
      "del-lru",
      "swap-amount",
      "launder-skips-locked",
    ],
    what: "readahead without swap_map refs and the vm_swap_full delete of the September 2001 races",
  },
  {
    name: "linux-2.4.16",
    flags: LINUX_2416_FLAGS,
    what: "the shipped fix: atomic check-and-insert under pagecache_lock, no BKL in do_swap_page",
  },
  {
    name: "linux-2.4.16-fixed",
    flags: [
      ...LINUX_2416_FLAGS.filter((f) => FLAGS.find((x) => x.name === f)?.fixedIn === undefined),
      "unuse-recheck-key",
      "swapin-recheck-key",
      "oom-pin-mm",
      "set-page-dirty-recheck",
    ],
    what: "2.4.16 plus every later fix of the races a hunt with fork, exit, unmap and swapoff finds in it (must be clean)",
  },
];

/** The release each model is, as FlagInfo.shipped names it. */
export const MODEL_RELEASE: Readonly<Record<string, string>> = {
  "linux-2.4.0": "2.4.0",
  "linux-2.4.10-pre": "2.4.10-pre9",
  "linux-2.4.16": "2.4.16",
  "linux-2.4.16-fixed": "2.4.16-fixed",
};

export const DEFAULT_MODEL = "linux-2.4.16";

export interface ResolvedModel {
  /** Model name, as given. */
  readonly name: string;
  /** The CFG_FLAGS word (flags F_*). */
  readonly flags: number;
  /** The CFG_FLAGS2 word (flags F2_*); 0 in linux-2.4.16 and linux-2.4.16-fixed. */
  readonly flags2: number;
  /** Names of the flags set, in FLAGS order. */
  readonly flagNames: string[];
}

const flagByName = new Map(FLAGS.map((f) => [f.name, f]));
const modelByName = new Map(MODELS.map((m) => [m.name, m]));

function flagInfo(name: string): FlagInfo {
  const f = flagByName.get(name);
  if (!f) throw new UsageError(`unknown flag '${name}' (known: ${FLAGS.map((x) => x.name).join(", ")})`);
  return f;
}

/** The two words of a list of flag names (unknown names are a UsageError). */
export function encodeFlags(names: readonly string[]): { flags: number; flags2: number } {
  const w = [0, 0];
  for (const n of names) {
    const f = flagInfo(n);
    w[f.word ?? 0] |= f.bit;
  }
  return { flags: w[0], flags2: w[1] };
}

/** The model's flag words with `withFlags` added and `withoutFlags` removed; a flag named on
 *  both sides is a UsageError (one of the two is a typo, and neither can win silently). */
export function resolveModel(name: string, withFlags: readonly string[] = [], withoutFlags: readonly string[] = []): ResolvedModel {
  const m = modelByName.get(name);
  if (!m) throw new UsageError(`unknown model '${name}' (known: ${MODELS.map((x) => x.name).join(", ")})`);
  const both = withFlags.find((f) => withoutFlags.includes(f));
  if (both !== undefined) throw new UsageError(`--with ${both} and --without ${both} contradict each other: give one`);
  const on = encodeFlags([...m.flags, ...withFlags]);
  const off = encodeFlags(withoutFlags);
  const flags = on.flags & ~off.flags;
  const flags2 = (on.flags2 & ~off.flags2) >>> 0;
  return { name, flags, flags2, flagNames: flagNamesOf(flags, flags2) };
}

/** A flag set no release shipped, whose missing serialization lets the model take
 *  interleavings every release ruled out: `broken` says when a set is one, `note` what it
 *  means for what a hunt finds. */
interface UnshippedRule {
  broken: (flags: number, flags2: number) => boolean;
  note: string;
}

const UNSHIPPED_RULES: readonly UnshippedRule[] = [
  {
    // Two faults reading one entry were always serialized: 2.4.0 and 2.4.10-pre9 held the
    // BKL around do_swap_page's read (bkl-swapin), 2.4.10 took swap_list_lock there, 2.4.16
    // checks the add (unique-add). See unique-add's and bkl-swapin's patch lines above.
    broken: (flags) => (flags & (F.UNIQUE_ADD | F.BKL_SWAPIN)) === 0,
    note: "unique-add is off and bkl-swapin with it: no release ran so (2.4.0 and 2.4.10-pre9 held the BKL around do_swap_page's read, 2.4.10 swap_list_lock, 2.4.16 checks the add), so a race of two faults reading one entry found here is this flag set's, not a kernel's; add --with bkl-swapin for the releases before 2.4.16",
  },
];

/** The notes for a flag set that lets the model take interleavings no release could
 *  (UNSHIPPED_RULES): printed on stderr by `hunt` and `run`, empty for every named model. */
export function unshippedNotes(flags: number, flags2 = 0): string[] {
  return UNSHIPPED_RULES.filter((r) => r.broken(flags, flags2)).map((r) => r.note);
}

/** Names of the flags set in the two flag words, in FLAGS order. */
export function flagNamesOf(flags: number, flags2 = 0): string[] {
  const words = [flags, flags2];
  return FLAGS.filter((f) => (words[f.word ?? 0] & f.bit) !== 0).map((f) => f.name);
}

/** Every bit a flag has, per word: [word 0, word 1]. */
export const FLAG_BITS: readonly [number, number] = [
  FLAGS.reduce((w, f) => ((f.word ?? 0) === 0 ? w | f.bit : w), 0),
  FLAGS.reduce((w, f) => (f.word === 1 ? w | f.bit : w), 0) >>> 0,
];

const popcount = (x: number): number => {
  let n = 0;
  for (let d = x >>> 0; d !== 0; d &= d - 1) n++;
  return n;
};

/** The named model whose flag words differ from `flags` in the fewest bits (the first in
 *  MODELS order on a tie): the release a flag set is, where the model has no flag of its own
 *  for a difference that is only wording. */
export function nearestModel(flags: FlagWords): string {
  const w0 = flagWord0(flags);
  const w1 = flagWord1(flags);
  const key = `${w0 >>> 0}:${w1 >>> 0}`;
  const known = nearestByFlags.get(key);
  if (known !== undefined) return known;
  let best = MODELS[0].name;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const m of MODELS) {
    const r = resolveModel(m.name);
    const distance = popcount(r.flags ^ w0) + popcount(r.flags2 ^ w1);
    if (distance < bestDistance) [best, bestDistance] = [m.name, distance];
  }
  nearestByFlags.set(key, best);
  return best;
}
const nearestByFlags = new Map<string, string>();

/** Whose printk wording a model's swap_free reports use (mm/swapfile.c): 2.4.0's __swap_free
 *  ("VM: Bad swap entry", "Trying to free swap from unused swap-device", ...) for a flag word
 *  nearest linux-2.4.0, else 2.4.16's swap_info_get ("Unused swap offset entry", ...). The
 *  model runs the same checks in both, and wording is not kernel behaviour a flag should carry
 *  (the flag words have room: CFG_FLAGS2); pre9's strings are in neither 2001 patch, so
 *  linux-2.4.10-pre keeps 2.4.16's. */
export function printkReleaseOf(flags: FlagWords): PrintkRelease {
  return nearestModel(flags) === "linux-2.4.0" ? "2.4.0" : "2.4.16";
}

/** A resolved model as the --json outputs and hunt streams carry it (src/schema/outputs.ts
 *  `model`): word 1 only when a flag of it is set, so a shipped model's output is as it was. */
export function modelOutput(m: ResolvedModel): { name: string; flags: string[]; flagWord: number; flagWord2?: number } {
  return { name: m.name, flags: m.flagNames, flagWord: m.flags, ...(m.flags2 !== 0 ? { flagWord2: m.flags2 } : {}) };
}

/** The resolved model of an output's `model` (a hunt stream's start event, to resume or merge it). */
export function modelOfOutput(o: { name: string; flags: string[]; flagWord: number; flagWord2?: number }): ResolvedModel {
  return { name: resolveModel(o.name).name, flags: o.flagWord, flags2: o.flagWord2 ?? 0, flagNames: o.flags };
}
