// Kernel variants as feature flags: each flag is one historic change, so a fix can be
// switched off to watch its race come back. Names and model sets live in src/model/models.ts.
// Two config words carry them: F_* are bits of CFG_FLAGS (read by has), F2_* bits of
// CFG_FLAGS2 (read by has2); both are module globals, so a test is one load and one and.
// Word 1 was free when word 0 filled up (docs/design.md, "Model flags").
import { flags, flags2 } from "./kernel/state";

export const F_BKL_SWAPIN: i32 = 1 << 0;        // do_swap_page holds the BKL around readahead + read (2.4.0–2.4.15)
export const F_READAHEAD_REFS: i32 = 1 << 1;    // valid_swaphandles takes a swap_map ref per slot (2.4.0, 2.4.9)
export const F_SWAP_FULL_DELETE: i32 = 1 << 2;  // do_swap_page deletes an exclusive page from the cache when vm_swap_full, no swap locks (2.4.10-pre)
export const F_UNIQUE_ADD: i32 = 1 << 3;        // add_to_swap_cache checks and inserts under PCL; -EEXIST/-ENOENT retry loops (2.4.16)
export const F_PTE_SAME_RECHECK: i32 = 1 << 4;  // do_swap_page retakes PTL after lock_page and rechecks pte_same (2.4.8+); off: 2.4.0's PTL-less tail
export const F_EARLY_DUP: i32 = 1 << 5;         // read_swap_cache_async takes swap_duplicate before its lookup (2.4.0)
export const F_FAULT_MMAP_SEM: i32 = 1 << 6;    // faults hold mmap_sem exclusively (2.4.0)
export const F_REMOVE_EXCLUSIVE: i32 = 1 << 7;  // do_swap_page frees the slot via remove_exclusive_swap_page when vm_swap_full (2.4.16)
export const F_READAHEAD_SKIP_HEADER: i32 = 1 << 8;    // valid_swaphandles: no readahead at page_cluster 0; a window at slot 0 starts at 1 (2.4.16)
export const F_READAHEAD_SDL: i32 = 1 << 9;            // valid_swaphandles scans swap_map under swap_device_lock (2.4.0, 2.4.16)
export const F_SYNC_SWAPIN: i32 = 1 << 10;      // lookup_swap_cache locks the page (find_lock_page); do_swap_page's read waits inside read_swap_cache_async (2.4.0)
export const F_READAHEAD_THROTTLE: i32 = 1 << 11; // swapin_readahead stops at nr_async_pages >= swap_cluster << page_cluster (2.4.0, 2.4.10-pre9)
export const F_OOM_RECHECK: i32 = 1 << 12;      // do_swap_page reports OOM only if pte_same after a failed read (2.4.8+)
export const F_UNLOCKED_DUP_CHECK: i32 = 1 << 13; // swap_duplicate tests the count before taking sdev_lock, increments without a recheck (2.4.0, 2.4.10-pre9)
export const F_SWAPOFF_BKL: i32 = 1 << 14;       // sys_swapoff keeps the BKL across try_to_unuse (2.4.0, 2.4.10-pre9)
export const F_FREE_UNDER_PCL: i32 = 1 << 15;    // __delete_from_swap_cache frees the slot itself, pagecache_lock held; lock order PCL -> SLL -> SDL (2.4.0, 2.4.10-pre9)
export const F_EXCLUSIVE_NOLOCK: i32 = 1 << 16;   // exclusivity read with no swap lock (can_share_swap_page, free_page_and_swap_cache); zap frees a swap pte with a bare swap_free (2.4.0, 2.4.10-pre9)
export const F_UNUSE_DELETE_FIRST: i32 = 1 << 17; // try_to_unuse pins the slot, deletes the page from the cache before searching the mms (2.4.0, 2.4.10-pre9)
export const F_WRITEPAGE_DELETE: i32 = 1 << 18; // swap_writepage deletes an exclusive page from the swap cache, no swap locks (2.4.10-pre9)
export const F_DROP_PTE_DEACTIVATE: i32 = 1 << 19; // try_to_swap_out's drop_pte: UnlockPage, rss--, then deactivate_page under pagemap_lru_lock before page_cache_release (2.4.0); bit 19 was unscaled-shrink-cache's before it moved to word 1
export const F_SWAP_FULL_80: i32 = 1 << 20;     // vm_swap_full is true above 80% of swap in use (2.4.8's function, 2.4.10-pre9); off: above half (2.4.16)
export const F_UNUSE_CLEAR_UNDEAD: i32 = 1 << 21; // try_to_unuse runs 2.4.0's loop: rescan from slot 1, dirty ptes, clear every leftover count (2.4.0)
export const F_UNUSE_RECHECK_KEY: i32 = 1 << 22; // try_to_unuse deletes the page only if still PageSwapCache with page->index == entry; no BUG (later fix, 2.6.25)
export const F_SWAPIN_RECHECK_KEY: i32 = 1 << 23; // do_swap_page after lock_page also checks PageSwapCache and page->index == entry (later fix, 2.6.32-2.6.34)
export const F_FORK_NOLOCK: i32 = 1 << 24;      // copy_page_range takes no page_table_lock, parent's or child's (2.4.0)
export const F_FORK_LIST_LATE: i32 = 1 << 25;   // the child joins the mmlist (and task list) only after dup_mmap's copy (2.4.0)
export const F_ANON_NOLOCK: i32 = 1 << 26;      // do_anonymous_page maps without page_table_lock and without the pte_none recheck (2.4.0)
export const F_SHARE_COUNT_NOLOCK: i32 = 1 << 27; // do_wp_page / do_swap_page judge sharing from page_count + swap_count read with no swap lock (2.4.0, 2.4.10-pre9)
export const F_WP_COPY_NOREF: i32 = 1 << 28;    // do_wp_page holds no ref on the old page while allocating and copies it under PTL after the recheck (2.4.0)

export const F_ALLOC_WAIT_KSWAPD: i32 = 1 << 29; // a user allocation short of pages sleeps on kswapd_done instead of reclaiming itself (2.4.0)
export const F_SWAPOFF_CLEARS_MAX: i32 = 1 << 30; // sys_swapoff sets p->max = 0 as it frees swap_map (2.4.10-pre9, 2.4.16); off: 2.4.0 keeps max

@inline export function has(flag: i32): bool { return (flags & flag) != 0; }

// ---- word 1: CFG_FLAGS2 ---------------------------------------------------------------
export const F2_UNSCALED_SHRINK_CACHE: i32 = 1 << 0; // shrink_cache sizes its pass with 2.4.16's own max_scan and max_mapped, unscaled (no model)
export const F2_GET_SWAP_PAGE_EQ0: i32 = 1 << 1; // get_swap_page refuses only when nr_swap_pages == 0, so a swapoff that drove it negative does not stop allocation (2.4.0, 2.4.10-pre9); off: <= 0 (2.4.16)
export const F2_DROP_PTE_DEACTIVATE_LOCKED: i32 = 1 << 2; // try_to_swap_out's drop_pte: rss--, then (page not referenced) deactivate_page under pagemap_lru_lock with the page still locked, then UnlockPage and page_cache_release (2.4.10-pre9)
export const F2_IS_PAGE_SHARED: i32 = 1 << 3; // free_page_and_swap_cache, can_share_swap_page and do_wp_page decide with 2.4.0's is_page_shared: page_count + swap_count - 2 (unsigned) at most 1, i.e. a sum of 2 or 3, and a page that left the cache shared iff its count > 1 (2.4.0); off: exclusive_swap_page's sum == 3 (2.4.10-pre9)

export const F2_DIRTY_MAPPED_ONLY: i32 = 1 << 4; // try_to_swap_out and free_pte call set_page_dirty on a dirty pte's page only when it has a mapping (in the swap cache); an uncached page is dirtied after add_to_swap_cache, and judged clean by its pte (2.4.0, 2.4.10-pre9); off, every dirty pte's page is dirtied at the unmap or the zap (2.4.16)

export const F2_ADD_BEFORE_PCL: i32 = 1 << 5; // add_to_swap_cache sets PG_swap_cache, rewrites the whole page->flags word (read, then a plain write) and takes the cache's page reference before add_to_page_cache_locked takes pagecache_lock for the index and the hash (2.4.0, 2.4.10-pre9); off, all under pagecache_lock in one section
export const F2_RSS_UNLOCKED: i32 = 1 << 6; // zap_page_range subtracts the pages it freed from rss after dropping page_table_lock, and exit_mmap clears rss before the zap with no lock: read-modify-writes of their own (2.4.0); off, rss changes per page under page_table_lock (2.4.16)
export const F2_NO_MMU_GATHER: i32 = 1 << 7; // zap_pte_range frees each present pte's page where the walk clears it, free_pte (2.4.0); off, 2.4.16's mmu_gather (SMP): unless tlb_gather_mmu saw one user (mm_users == 1), the pte is cleared at once and the page's __free_pte waits until tlb_finish_mmu (the range's end, or 508 ptes), page_table_lock held

export const F2_PCL_LRU: i32 = 1 << 8; // lock order pagecache_lock -> pagemap_lru_lock: a clean swap-cache page is removed by reclaim_page (PCL, then LRU, __delete_from_swap_cache with swap_free under both), add_to_page_cache_locked lists the page inside its PCL hold, a swap-cache lookup of a page off the active list (page age 0) activates it under LRU inside PCL (2.4.0; 2.4.10-pre9 but its lookup, find_get_page); off, 2.4.16's LRU -> PCL (shrink_cache)

export const F2_DEL_LRU: i32 = 1 << 9; // delete_from_swap_cache_nolock first takes the page off the LRU (block_flushpage of a page without buffers returns 1, so lru_cache_del: pagemap_lru_lock taken and dropped) before pagecache_lock (2.4.0, 2.4.10-pre9); off, the page stays listed until its last put_page (2.4.16)

export const F2_OOM_KILL: i32 = 1 << 10; // try_to_free_pages falling short at every priority calls out_of_memory, which after a second and ten such failures with no swap left kills the process with the most badness points (mm/oom_kill.c, 2.4.16); off, nobody is killed and the allocations go on reclaiming

export const F2_OOM_PIN_MM: i32 = 1 << 11; // oom_kill reads the chosen task's mm under task_lock and pins it in select_bad_process's tasklist_lock hold, and kills the tasks of that mm in the same hold; a task with no mm by then is selected again, the hold dropped and retaken (William Lee Irwin III, 12 Aug 2004, for 2.4; a later fix, not in 2.4.16); off, 2.4.16's oom_kill: select_bad_process drops tasklist_lock, and the kill loop compares each task's mm with the chosen task's as it reads it then, NULL if that task has passed exit_mm meanwhile, so every task without an mm (the kernel threads) is killed

export const F2_KSWAPD_TIMEOUT: i32 = 1 << 12; // a kswapd pass whose try_to_free_pages falls short of its nr_pages clears need_balance and sleeps schedule_timeout(HZ) off kswapd_wait: no wakeup_kswapd reaches it for a second of the model's clock (mm/vmscan.c kswapd_balance_pgdat, 2.4.16); off, it sleeps on kswapd_wait at once, and the next allocation below the watermark wakes it
export const F2_SWAP_AMOUNT: i32 = 1 << 13; // swap_out walks the allocating task's own mm first, then round-robin from swap_mm (moved on at every pick), each mm for swap_amount(mm) present ptes (rss >> 5, at least min(8, rss)), active pages not passed over, no need_resched point between mms, (mmlist_nr << 4) >> priority more mms (2.4.10-pre9); off, 2.4.16's swap_out: swap_mm kept until its walk reaches TASK_SIZE, a walk until SWAP_CLUSTER_MAX pages are freeable, "We raced" under the PTL

export const F2_SWAP_CNT: i32 = 1 << 14; // swap_out picks, under mmlist_lock, the mm with the largest swap_cnt among those with rss (a second pick first refreshes every swap_cnt to rss >> 5, at least 8, when none is left), walks that one mm only, and try_to_swap_out spends one swap_cnt per present page, stopping the walk when none is left; a walk to the end zeroes swap_address and swap_cnt (2.4.0); off, 2.4.16's swap_out (or pre9's under swap-amount)

export const F2_LOCAL_PAGES: i32 = 1 << 15; // a task in balance_classzone's try_to_free_pages (PF_FREE_PAGES) keeps the first page it frees on its own local_pages, off the free lists and nr_free, and takes it after a reclaim that freed all it was asked for (else frees it back) (mm/page_alloc.c __free_pages_ok local_freelist, balance_classzone, 2.4.16); off, every freed page goes to the free lists and the task takes any free page after its reclaim

export const F2_PLAIN_ADD_FLAGS: i32 = 1 << 16; // __add_to_page_cache rewrites page->flags with a plain load and a later plain store of the masked word (2.4.16 mm/filemap.c; until Rik van Riel's 7 Oct 2003 "page->flags corruption fix", 2.4.23, found by Robert Hentosh and Matt Domsch), which loses a bit another CPU changes in between (activate_page's PG_active); off, atomic bit operations: one section
export const F2_SET_PAGE_DIRTY_RECHECK: i32 = 1 << 17; // set_page_dirty, once it holds pagecache_lock, reads page->mapping again and moves the page only if it still has one ("may have been truncated", 2.4.20; a later fix, not in 2.4.16); off, the mapping read before the lock is used: a page deleted from the swap cache meanwhile is put on swapper_space's dirty list (2.4.16), or a NULL mapping is followed (2.4.0's __set_page_dirty)
export const F2_SWAP_BUFFERS: i32 = 1 << 18; // swap I/O (brw_page) leaves buffer heads on the page, one page reference for them all, freed only by try_to_free_buffers in page_launder's buffers branch (reclaim) or block_flushpage as the page leaves the swap cache; count tests that do not subtract them (2.4.0's do_wp_page switch, page_launder's and reclaim_page's) see one more (2.4.0); off, pages never have buffers (the model's 2.4.16 and pre9, whose count tests subtract them)
export const F2_LAUNDER_SKIPS_LOCKED: i32 = 1 << 19; // reclaim passes over a locked inactive page and goes on with the next, never sleeping on it: page_launder's "The page is locked. IO in progress? Move it to the back of the list." (2.4.0, 2.4.10-pre9); off, shrink_cache waits for the write of a locked page it laundered itself (PG_launder: a reference, pagemap_lru_lock dropped, wait_on_page; 2.4.16)
@inline export function has2(flag: i32): bool { return (flags2 & flag) != 0; }
