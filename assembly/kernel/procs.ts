// Procedure ids: every resumable kernel path of the model. Dense, so dispatch.ts's switch
// compiles to a jump table. The host names them in diagrams (PROC_NAMES, generated from these
// names by the build: P_SWAP_FREE is "swap_free"). Arguments arrive in locals l(0).. in the order given; the value a
// procedure returns with ret(v) is what its caller reads with ret_val().
//
// Entries are swap entries (state.ts swp_entry), pages are frame numbers, 0 = none.

// assembly/mm/memory.ts
export const P_ACCESS: i32 = 1;                  // (mm, page, write) → 0; a user access; faults until it succeeds
export const P_HANDLE_MM_FAULT: i32 = 2;         // (mm, page, write) → 1 minor, 2 major, 0 OOM/failed
export const P_DO_ANONYMOUS_PAGE: i32 = 3;       // (mm, page, write) PTL held on entry, dropped on return → 1 / 0
export const P_DO_SWAP_PAGE: i32 = 4;            // (mm, page, entry, write) PTL held on entry, dropped on return → 1/2/0
export const P_DO_WP_PAGE: i32 = 5;              // (mm, page, pte) PTL held on entry, dropped on return → 1 / 0
export const P_ZAP_PAGE_RANGE: i32 = 6;          // (mm, start, end, exiting) → 0; takes PTL itself; exiting: exit_mmap's (mm_users 0)
export const P_DO_EXIT: i32 = 7;                 // (mm) → 0; zaps everything, the mm slot is reused by a new process
export const P_DO_MUNMAP: i32 = 8;               // (mm, start, len) → 0
// assembly/mm/fork.ts
export const P_DO_FORK: i32 = 9;                 // (parent mm, child mm) → 0
export const P_COPY_PAGE_RANGE: i32 = 10;        // (dst mm, src mm) → 0 / -ENOMEM
export const P_MMPUT: i32 = 41;                  // (mm) → 1 when the last put (it ran exit_mmap), else 0; a pin's put
// assembly/mm/swap_state.ts
export const P_LOOKUP_SWAP_CACHE: i32 = 11;      // (entry) → page with a ref taken, or 0
export const P_READ_SWAP_CACHE_ASYNC: i32 = 12;  // (entry, wait) → page with a ref taken (locked while reading), or 0; wait (2.4.0 only): return after the read
export const P_SWAPIN_READAHEAD: i32 = 13;       // (entry) → 0
export const P_ADD_TO_SWAP_CACHE: i32 = 14;      // (page, entry) → 0, -EEXIST, -ENOENT
export const P_DELETE_FROM_SWAP_CACHE: i32 = 15; // (page) page locked → 0
export const P_SWAP_WRITEPAGE: i32 = 16;         // (page) page locked → 0; unlocks (now or at I/O end)
// assembly/mm/swapfile.ts
export const P_GET_SWAP_PAGE: i32 = 17;          // () → entry or 0
export const P_SWAP_FREE: i32 = 18;              // (entry) → 0
export const P_SWAP_DUPLICATE: i32 = 19;         // (entry) → 1 ok, 0 failed (free or bad)
export const P_VALID_SWAPHANDLES: i32 = 20;      // (entry) → count of readable slots from readahead_start(entry)
export const P_REMOVE_EXCLUSIVE_SWAP_PAGE: i32 = 21; // (page) page locked → 1 removed, 0 not
export const P_CAN_SHARE_SWAP_PAGE: i32 = 22;    // (page) page locked → 1 / 0
export const P_FREE_SWAP_AND_CACHE: i32 = 23;    // (entry) → 0
export const P_FREE_PAGE_AND_SWAP_CACHE: i32 = 24; // (page) → 0; never sleeps (trylock)
export const P_SYS_SWAPOFF: i32 = 25;            // (area) → 0, -ENOMEM, -EINVAL
export const P_TRY_TO_UNUSE: i32 = 26;           // (area) → 0 / -ENOMEM
export const P_SYS_SWAPON: i32 = 27;             // (area) → 0 / -EBUSY / -EINVAL (area beyond the configured ones)
// assembly/mm/page_alloc.ts
export const P_ALLOC_PAGE: i32 = 28;             // () → page (count 1) or 0; may enter direct reclaim
// assembly/mm/vmscan.ts
export const P_TRY_TO_FREE_PAGES: i32 = 29;      // () → pages freed
export const P_SHRINK_CACHE: i32 = 30;           // (nr_pages, priority) → pages still wanted
export const P_SWAP_OUT: i32 = 31;               // (priority) → 1 made progress
export const P_SWAP_OUT_MM: i32 = 32;            // (mm, count, put) → pages made freeable (at most one pass over the mm); put 1: swap_out's mmput of its pin on the way out
export const P_TRY_TO_SWAP_OUT: i32 = 33;        // (mm, page) PTL held → 1 page freeable
export const P_KSWAPD: i32 = 34;                 // () never returns: the kswapd agent's loop
// assembly/mm/page_io.ts
export const P_DISK: i32 = 35;                   // () never returns: the disk agent's loop
export const P_RW_SWAP_PAGE_SYNC: i32 = 36;      // (page, rw) page locked → 0; waits for the I/O
// assembly/mm/swap.ts
export const P_LRU_CACHE_ADD: i32 = 37;          // (page) → 0; takes pagemap_lru_lock (section 0: TestSetPageLRU only, for call_now)
export const P_LRU_CACHE_DEL: i32 = 38;          // (page) → 0; takes pagemap_lru_lock
export const P_MARK_PAGE_ACCESSED: i32 = 39;     // (page) → 0; activate_page takes pagemap_lru_lock (section 0: the flag test only, for call_now)
// assembly/mm/memory.ts (mm/mprotect.c)
export const P_DO_MPROTECT: i32 = 40;            // (mm, start, len) → 0; write-protects the present ptes
export const P_COUNT: i32 = 42;

// Errors returned by procedures (kernel values).
export const ENOENT: i32 = -2;
export const ENOMEM: i32 = -12;
export const EEXIST: i32 = -17;
export const EINVAL: i32 = -22;
export const EBUSY: i32 = -16;
