// The race catalogue (`faultsim races`): every race the models reproduce, one row each, with
// the kernels it lives in, the flag that is its fix (turned on, or, written "-flag", turned
// off: the flag is the old code), its route in one line, the hunt that
// finds it and the directed test that drives it step by step. docs/kernel-notes.md tells the
// history of each; `faultsim races --check` (check.ts) hunts each one and then hunts the
// fixed model with the same shape.
import type { RaceCheckRowJson as RaceCheckRow, RaceJson } from "../schema/outputs.js";

/** A race of the catalogue: its fields are `faultsim races --json`'s, so the type is the
 *  zod schema's (src/schema/outputs.ts RaceSchema, where each field is described). */
export type Race = RaceJson;

/** The hunt that finds a race: options of the public hunt() (model, flags, sched, machine),
 *  and keepGoing (collect signatures past the first: a race whose hunt meets another race
 *  first). check.ts passes it to hunt(), so it must stay a subset of HuntOptions. */
export type RaceHunt = Race["hunt"];

/** The model every fix is on: each race's hunt shape must find nothing in it. */
export const FIXED_MODEL = "linux-2.4.16-fixed";

export const RACES: readonly Race[] = [
  {
    name: "dup-14sep",
    kernels: "linux-2.4.10-pre (2.4.10-pre9)",
    fix: "unique-add",
    route:
      "try_to_swap_out's get_swap_page hands out E; a fault's readahead counts E and reads it; both add a page for E (two cache pages)",
    hunt: { model: "linux-2.4.10-pre" },
    signatures: ["swapcache-unique@add_to_swap_cache"],
    takes: "14 Sep",
    test: "test/races/seed-races.test.ts > Marcelo Tosatti, 14 Sep 2001",
  },
  {
    name: "dup-14sep-2.4.0",
    kernels: "linux-2.4.0 (2.4.0 to 2.4.9)",
    fix: "unique-add",
    route: 'the same duplicate in 2.4.0\'s unchecked add, with no slot freed anywhere ("has been there forever")',
    hunt: { model: "linux-2.4.0" },
    signatures: ["swapcache-unique@add_to_swap_cache"],
    takes: "14 Sep",
    test: "test/races/seed-races.test.ts > Marcelo Tosatti, 14 Sep 2001 ... (linux-2.4.0)",
  },
  {
    name: "dup-vm-swap-full",
    kernels: "linux-2.4.10-pre",
    fix: "unique-add",
    route:
      "do_swap_page's vm_swap_full delete frees E while another thread's fault still wants it; get_swap_page hands E to try_to_swap_out; both add",
    // page_cluster 0 (a setting of /proc/sys/vm/page-cluster): no readahead window, so no 14 Sep
    // or 11 Sep duplicate comes first: 20 of 20 seeds find this route first (`hunt --model
    // linux-2.4.10-pre --sched random --page-cluster 0 --seed S`, seeds 1-20, again so since
    // swap_out became pre9's, flag swap-amount, and since its walk that ends on its count at
    // vm_end leaves swap_address there, 5 Dec 2026); at the default 1, 5 of 20 since the latter,
    // the others a 14 Sep (12) or 11 Sep (3) duplicate (6 of 20 from swap-amount, with 14 Sep
    // 12, 11 Sep 1, readahead vm_swap_full 1; 7 of 20, the others 14 Sep, from swap_out's walk
    // becoming 2.4.16's the same day; 17 of 20 before).
    // Since pre9 took add-before-pcl (6 Dec 2026) 9 of those seeds meet the
    // add-flags-deactivate race below first (an lru:nr_active_pages count at rest): the hunt
    // keeps going past it.
    hunt: { model: "linux-2.4.10-pre", sched: "random", pageCluster: 0, keepGoing: true },
    signatures: ["swapcache-unique@add_to_swap_cache"],
    takes: "vm_swap_full",
    test: "test/races/seed-races.test.ts > Hugh Dickins, 14 Sep 2001 (the seed mail): multithreaded vm_swap_full deletion",
  },
  {
    name: "unuse-fresh-entry",
    // Marcelo's 14 Sep race with swapoff's try_to_unuse as the reader; pre9 (and 2.4.0) delete
    // the page try_to_unuse read from the swap cache before searching the mms, so the duplicate
    // becomes a data loss. 2.4.16 closes it with unique-add together with its search-first
    // try_to_unuse (flag unuse-delete-first off); either alone does not
    // (test/races/unuse-fresh-entry.test.ts, docs/kernel-notes.md "The seed's races" item 6).
    kernels: "linux-2.4.0, linux-2.4.10-pre (2.4.0 to 2.4.10-pre9)",
    fix: "unique-add,-unuse-delete-first",
    route:
      "try_to_swap_out's get_swap_page hands out E; swapoff's try_to_unuse reads the unwritten slot and deletes its page first; the swap-out adds its page and pte E; the search maps the stale page (with unuse-delete-first off too)",
    // The same hunt meets the duplicate forms (14 Sep by readahead or by swapoff) too: it keeps
    // going to the first data loss. 4 slots (3 usable, a setting of the swap file's size) since
    // __alloc_pages' watermark tests and swap_out's mmput became steps of their own (6 Dec 2026):
    // on the default 5 the race's CPU-seconds over hunt seeds 1-20 rose to a median of 2.54 and
    // a p95 of 8.10 (0.38 / 1.24 before); with 4, 0.09 / 0.39, seeds 21-60 0.09 / 0.33, and
    // 0.10 / 0.44 after the same day's audit split four more steps (README's race figures) (3 slots:
    // 0.21 / 0.36; page_cluster 0: 1.85 / 8.21; the random walk 2 of 4 seeds; measured with
    // races/check.ts huntRaceSeed, the route checked); linux-2.4.16-fixed on it: nothing in
    // 200,000.
    hunt: { model: "linux-2.4.10-pre", kswapd: false, mix: "write=4,read=2,swapoff=1", slots: 4, keepGoing: true },
    signatures: ["data-lost*"],
    takes: "14 Sep swapoff",
    test: "test/races/unuse-fresh-entry.test.ts",
  },
  {
    name: "swapin-aba",
    // 2.4.16 closes this route by remove_exclusive_swap_page's locked recheck; the later fix
    // (Arcangeli, then Dickins) rechecks the page's identity after lock_page in do_swap_page.
    // A hunt of 2.4.16 whose OOM clock ran fast met it with swapoff as the deleter
    // (try_to_unuse's delete_from_swap_cache, then a swapon of the same area hands E out
    // again): `hunt --model linux-2.4.16 --with oom-pin-mm --without kswapd-timeout --swarm
    // --jiffy-steps 4 --seed 23 --sched random` at execution 736,056 (seed 6 at 702,570 until
    // swap_out's walk became 2.4.16's, 5 Dec 2026, seed 12 at 341,697 until its walk that meets
    // its count at vm_end left swap_address there, the same day, and at 718,591 until 2.4.16's
    // __add_to_page_cache stored page->flags a section after reading them, flag
    // plain-add-flags, the same day), the same flag closing it; seed 28 meets it at 1,406,081
    // with an exit's free_swap_and_cache deleting instead (seed 5 at 444,810 until
    // plain-add-flags);
    // but their kswapd passes again within a second of a short pass, which 2.4.16's kswapd
    // cannot (flag kswapd-timeout). Since __alloc_pages' watermark tests and swap_out's mmput
    // became steps of their own (6 Dec 2026) seed 46 meets it at 31,410 (swapoff deleting; still
    // there after the same day's audit) and seed 4 at 887,293 (a munmap's free_swap_and_cache
    // deleting; nothing in 2,000,000 since the audit, where seed 32 meets it at 1,151,740 with
    // an exit's free_swap_and_cache deleting), and seed 46's and seed 32's shrunk schedules
    // are ones linux-2.4.16 itself takes, its kswapd-timeout on: 2.4.16 has this route
    // (test/races/swapin-aba-2416-oom.full.test.ts).
    // pre9's own vm_swap_full (80%) reaches it too, on the hunt's default machine with kswapd:
    // `hunt --with unique-add --sched random --seed 18 --keep-going` at execution 12,969
    // (test/races/swapin-aba-pre9.test.ts; 7 of seeds 1-40 since pre9 took add-before-pcl and
    // pcl-lru, 6 Dec 2026; seed 1 at 117,980, 9 of seeds 1-40 within 200,000, after the 6 Dec
    // audit's splits; seed 20 at 118,375, 8 of seeds 1-40, since __alloc_pages' watermark tests
    // and swap_out's mmput became steps of their own, the same day, seed 25 at 108,656 before; seed 5 at 156,259 until pre9's drop_pte took
    // pagemap_lru_lock, 4 Dec 2026, seed 13 at 114,652 until swap_out's walk became 2.4.16's,
    // 5 Dec 2026, seed 15 at 89,564 until it became pre9's, flag swap-amount, the same day,
    // seed 8 at 89,361 until pre9's walk that ends on its count at vm_end left swap_address
    // there, the same day);
    // the catalogue's hunt below is the quick one.
    kernels: "linux-2.4.10-pre (2.4.10-pre9, at its own vm_swap_full; quickest at 2.4.16's); linux-2.4.16 with swapoff deleting",
    fix: "swapin-recheck-key",
    route:
      "a fault's lookup holds page P of E; the exclusive delete frees E; a COW and a swap-out hand E back to the same pte; the fault passes pte_same and maps stale P",
    // The route is long: a page swapped out, two faults on its pte (the deleter's a read, so
    // the pte stays read-only), a write's COW, and the COW's page swapped out to the freed E
    // while the holder waits; the holder is stopped twice. What makes it common (issue 13;
    // finds per CPU-second over hunt seeds 1-8, 3 CPU-s each):
    // - no kswapd: direct reclaim (try_to_free_pages from alloc_page on the faulting CPUs)
    //   swaps the COW's page out, often on the CPU that wrote it. This shape with kswapd:
    //   0.56/s, without: 3.6/s;
    // - 3 pages on 4 frames (3 usable): faults meet on one page, and allocations run short
    //   (4 pages on 5 frames: 0.15/s);
    // - 5 CPUs: more faults meet on one pte (4 CPUs at depth 4: 3 CPUs 0.4/s, 4 1.2/s, 6 3.2/s);
    // - PCT depth 5 (4 CPUs: depth 3 0.75/s, 4 1.2/s, 5 2.0/s; 5 CPUs: depth 4 2.2/s, 5 3.6/s)
    //   and 8 ops per CPU (6 ops: 2.2/s);
    // - 4 slots (3 usable): vm_swap_full (half in use) holds with 2 slots taken, and the freed
    //   E is the lowest free slot when the COW's page is swapped out (5 slots: 0.95/s).
    // The former shape (kswapd, 4 CPUs, 4 pages on 6 frames, depth 4, 5 ops): 10 of seeds
    // 1-20 within 20 s; this one: bench/race-figures.ts, the README's table. (Those rates are
    // of the model before pre9's own swap_out, flag swap-amount, 5 Dec 2026; since pre9's walk
    // that ends on its count at vm_end leaves swap_address there, the same day, seeds 1-4 found
    // it at executions 15,458, 3,199, 2,014 and 19,066, and since __alloc_pages' watermark tests
    // and swap_out's mmput became steps of their own (6 Dec 2026) at 6,029, 3,833, 356 and
    // 23,785, each of seeds 1-20 within 23,785, and since pre9 took add-before-pcl and pcl-lru
    // (the same day) at 9,241, 1,910, 2,687 and 4,815, each of seeds 1-20 within 19,022:
    // test/races/swapin-aba.full.test.ts; with swap-amount alone 1,212, 281, 729 and 3,850,
    // before it 34,692, 43,430, 31,672 and 5,799.)
    hunt: {
      model: "linux-2.4.10-pre",
      without: ["swap-full-80"],
      depth: 5,
      ops: 8,
      cpus: 5,
      frames: 4,
      pages: 3,
      slots: 4,
      kswapd: false,
      // Threads of one mm (without kswapd a hunt's CPUs are processes unless told): the two
      // faults meet on one pte.
      threads: true,
      keepGoing: true,
    },
    signatures: ["data-lost@access"],
    takes: "swapin aba",
    smallMachine:
      "5 CPUs on 3 usable frames (the race needs allocations short of memory): linux-2.4.16-fixed livelocks there too, every CPU in direct reclaim",
    test: "test/races/swapin-aba.full.test.ts (seeds 1-4: each finding's route checked, replayed with the fix)",
  },
  {
    name: "pte-same",
    // Threads of one mm faulting together: 2.4.0's faults hold mmap_sem exclusively, so its
    // route there is swapoff's (pte-same-swapoff); the threaded faults came later, with a
    // pte_present recheck that pte_same replaced in 2.4.8.
    kernels: "linux-2.4.16 without pte-same-recheck (threaded faults before 2.4.8; 2.4.0 by swapoff: pte-same-swapoff)",
    fix: "pte-same-recheck",
    route:
      "two threads fault the same swap pte; both map the page and both swap_free E, the second on a slot already freed (or reused): data loss",
    // 1 of seeds 1-20 meets a livelock first (seed 19, at execution 1, since 2.4.16's
    // __add_to_page_cache stored page->flags a section after reading them, flag plain-add-flags;
    // seed 4 until then, seeds 4 and 14 until the walk that meets its count at vm_end left
    // swap_address there, 3 until swap_out's walk became 2.4.16's, all 5 Dec 2026; the race's
    // own doing: the slot freed twice under a page still in
    // the swap cache, so try_to_swap_out's add loops on -EEXIST): the hunt keeps going to the
    // slot's invariant.
    hunt: { model: "linux-2.4.16", without: ["pte-same-recheck"], sched: "random", keepGoing: true },
    signatures: ["free-slot*", "data-lost*", "cache-page:count", "swap-count:short"],
    test: "test/mm/memory.test.ts > do_swap_page: two threads fault on one swap pte",
  },
  {
    name: "pte-same-swapoff",
    // pte-same in 2.4.0, where it has one route only: a fault holds mmap_sem exclusively
    // (arch/i386/mm/fault.c down(&mm->mmap_sem), a plain semaphore), so no other fault of the mm
    // meets it on a pte, but sys_swapoff's try_to_unuse takes no mmap_sem (unuse_process holds
    // page_table_lock only, which 2.4.0's do_swap_page never takes). The fault sleeps in
    // read_swap_cache's read (the BKL dropped), try_to_unuse maps the page and frees E, and
    // do_swap_page's lock_page; swap_free(entry); set_pte rechecks nothing. The recheck after
    // lock_page (a pte_present test with the threaded faults, pte_same from 2.4.8) closes it.
    kernels: "linux-2.4.0 (2.4.0 until do_swap_page rechecked the pte)",
    fix: "pte-same-recheck",
    route:
      "a fault reads swap pte E and sleeps in the read; swapoff's try_to_unuse maps the page there and frees E; do_swap_page frees E again and sets the pte over it",
    // 2.4.0 meets its other races on the way (duplicates, data losses): the hunt keeps going
    // to a do_swap_page free whose pte swapoff resolved. 3 pages per mm (2 mms, processes: the
    // 2.4.0 defaults): plain 2.4.0 (with swapoff-clears-max) finds it first from seed 1, at
    // execution 151, since swap_out's walk became 2.4.16's (5 Dec 2026), and still since 2.4.0's
    // own swap_out (flag swap-cnt, the same day), when of seeds 1-40 at 2,000 executions 3 find
    // it first (seeds 10, 11 and 28, seed 10 soonest, at 28; since __alloc_pages' watermark
    // tests and swap_out's mmput became steps of their own, 6 Dec 2026, seeds 13, 18, 23, 28
    // and 33, seed 18 soonest, at 19; test/races/pte-same-swapoff.test.ts),
    // the others a bad slot at swap_writepage, an oom-misreport, a data loss or (seeds 30, 32
    // and 39) another free slot (8 with 2.4.16's
    // swap_out, seed 29 soonest, at 16). Before that, seed 7 at 23 (seeds 1-6
    // met oom-misreport or another route's free first; before unuse_pte's pte was made young
    // as 2.4.0's is, seed 1 at 126), and many seeds first freed a slot by 2.4.0's "Undead swap
    // entry" clear (a count forced to 0 under a cached page, another race: a keep-going hunt
    // reports a signature once); now 1 of seeds 1-20 meets another route's free first (seed
    // 8, keep-going, 2,000 executions). Without that clear (2.4.8's try_to_unuse loop; the
    // route is the same) 20 of 20 seeds find it within 2,000 executions (19 of 20 before,
    // median 0.02 CPU-s, bench/race-figures.ts).
    hunt: {
      model: "linux-2.4.0",
      with: ["swapoff-clears-max"],
      without: ["unuse-clear-undead"],
      mix: "read=4,write=4,swapoff=1,swapon=1",
      pages: 3,
      keepGoing: true,
    },
    signatures: ["free-slot@swap_free"],
    takes: "pte-same swapoff",
    test: "test/races/pte-same-swapoff.test.ts",
  },
  {
    name: "oom-misreport",
    kernels: "linux-2.4.0 to 2.4.7 (linux-2.4.16 without oom-recheck)",
    fix: "oom-recheck",
    route:
      "a fault's lookup misses E; swapoff's try_to_unuse maps the page and frees E; the fault's read gets nothing and reports OOM for a resolved pte",
    hunt: { model: "linux-2.4.16", without: ["oom-recheck"], mix: "read=4,write=4,swapoff=1,swapon=1" },
    signatures: ["oom-misreport@do_swap_page"],
    test: "test/mm/swapin.test.ts > oom-recheck (2.4.8+); test/races/oom-misreport.test.ts",
  },
  {
    name: "dup-revival",
    // Docs: kernel-notes.md "The seed's races" item 7. The fix is the flag turned off: 2.4.16's
    // swap_duplicate tests and increments under swap_device_lock.
    kernels: "linux-2.4.10-pre, linux-2.4.0 (2.4.0 to 2.4.10-pre9)",
    fix: "-unlocked-dup-check",
    route:
      "a reader's swap_duplicate sees E in use with no lock; another thread frees E's last reference; the increment revives the free slot, and its next free counts it free twice",
    // The seed's duplicate comes first on linux-2.4.10-pre: closed with unique-add. The
    // random walk; seed 2 finds it at execution 6,782, the whole revival soonest (of seeds 1-40
    // at 50,000 executions, 9 find nr-swap-pages first, all by the revival), since the 6 Dec 2026
    // audit's splits; seed 10 at 1,811 (11 of the 40) since __alloc_pages' watermark tests and
    // swap_out's mmput became steps of their own, the same day; seed 25 at 1,780 (10 of the 40)
    // from pre9's walk that ends on its count at vm_end leaves
    // swap_address there (5 Dec 2026; seed 2 at 1,950, the soonest of seeds 1-40, since
    // swap_out became pre9's, flag swap-amount, the same day; seed 4 at 3,223 after swap_out's walk became
    // 2.4.16's the same day, seed 16 at 5,133 until the delete took the page off the LRU, 4 Dec
    // 2026; test/races/dup-revival.test.ts).
    // The catalogue's hunt runs 4 CPUs with page_cluster 0 (no readahead window) since pre9 took
    // add-before-pcl and pcl-lru (6 Dec 2026), when the default machine's median over seeds 1-20
    // rose to 1.48 CPU-s (issue 13's target: 1 s): 0.21 / 1.54 s now (`node
    // dist/bench/race-figures.js dup-revival`); of seeds 1-10 within 150,000 executions the
    // default machine found it from 5, page_cluster 0 from 7, with 4 CPUs as well from 10
    // (2,068 to 72,646 executions), with 4 slots or without kswapd fewer.
    hunt: { model: "linux-2.4.10-pre", with: ["unique-add"], sched: "random", cpus: 4, pageCluster: 0, keepGoing: true },
    signatures: ["nr-swap-pages*"],
    takes: "dup revival",
    test: "test/races/dup-revival.test.ts",
  },
  {
    name: "unuse-wrong-page",
    kernels: "linux-2.4.16 (to 2.6.24)",
    fix: "unuse-recheck-key",
    route:
      "try_to_unuse sleeps in lock_page(P) of E; an exit's free_swap_and_cache drops P from the cache and swap_out re-adds it under another area's entry: BUG",
    // Forks (a COW-shared swap pte, and a fork into a live mm frees its entries) and swapoff
    // only, on 4 slots (3 usable per area): the second area fills sooner, so the page that
    // left the cache comes back under an entry of it before try_to_unuse locks it. Shape
    // search (issue 13): 10 of seeds 1-10 at 4 slots (median 0.35 CPU-s), 3 of 10 at the
    // default 5; 3 slots, 2 or 4 CPUs, page_cluster 0, the random scheduler and more forks
    // all did worse.
    // Without kswapd (direct reclaim only: 4 CPUs of 6 ops) since kswapd took 2.4.16's
    // schedule_timeout(HZ) after a short pass (kswapd-timeout, 5 Dec 2026): with kswapd, seeds
    // 1-3 find it at 121,466, 85,360 and 33,066 since 2.4.16's __add_to_page_cache stored
    // page->flags a section after reading them (flag plain-add-flags, the same day; seed 3 at
    // 206,073 from swap_out's walk becoming 2.4.16's until then; 103,252, 386,951 and 215,421
    // before that walk, 4,958 at seed 1 before kswapd-timeout); without, at 19,953, 31,296 and
    // 35,882 (seed 2 at 151,339 until plain-add-flags, at 38,109 from the walk that meets its
    // count at vm_end leaving swap_address there until put_page's spin and the local-pages flag,
    // the same day, at 151,339 before that walk; 80,674 before swap_out's walk).
    hunt: { model: "linux-2.4.16", mix: "write=4,read=2,fork=2,swapoff=1", slots: 4, kswapd: false },
    signatures: ["bug-on@try_to_unuse"],
    takes: "unuse wrong page",
    test: "test/races/later-races.test.ts > try_to_unuse removing the wrong page; test/races/wrong-page-route.test.ts",
  },
  {
    name: "oom-kthreads",
    // Docs: kernel-notes.md "The OOM killer's victim that exits". Only where the killer acts:
    // swap that fills (3 slots, 8 pages) on a clock fast enough for a hunt's execution to
    // reach out_of_memory's second (--jiffy-steps 1), and exits and forks among the ops. The
    // random walk: over seeds 1-4 of linux-2.4.16-fixed without oom-pin-mm it finds this at
    // executions 52,187, 84,664, 223,805 and 77,732 since the walk that meets its count at vm_end
    // leaves swap_address there (5 Dec 2026; seed 3 at 90,088 from swap_out's walk becoming
    // 2.4.16's, the same day, until then; 112,824, 1,855, 40,287 and 12,887 before that walk,
    // 163,055, 10,193, 14,443 and 182,210 before kswapd-timeout); PCT (depth 4) none in 600,000
    // executions each (about 7 CPU-s; 25 s each before the walk), its few change points spread
    // over executions of ~250 steps on average since the walk (k = 186 at seed 1; ~1,500 steps
    // when this was written).
    // On the shape below (no kswapd) linux-2.4.16 finds it from seed 1 at execution 5,009 since
    // the 6 Dec 2026 audit's splits, 24,288 before (races --check). With kswapd,
    // linux-2.4.16 itself finds it from seed 1 at 192,128 since the audit (after unuse-wrong-page
    // at 21,678), at 208,408 since __alloc_pages' watermark tests
    // and swap_out's mmput became steps of their own (6 Dec 2026: linux-2.4.16-fixed without
    // oom-pin-mm from seeds 2 and 3 at 124,460 and 82,017, seeds 1 and 4 nothing in 200,000;
    // test/races/oom-kthreads.test.ts hunts seed 13, at 8,217, at 2,472 without kswapd since the
    // audit), at 273,407 since its
    // __add_to_page_cache stored
    // page->flags a section after reading them (flag plain-add-flags, 5 Dec 2026; at 52,187,
    // as linux-2.4.16-fixed without oom-pin-mm does, until then), and meets the swapin ABA and
    // unuse-wrong-page on the way (seed 1 at 354,284 and 491,834, 429,905 until plain-add-flags;
    // seed 2 unuse-wrong-page first, at 95,005, this race at 704,444): the hunt keeps going.
    kernels: "linux-2.4.16 (to 2.4.27; 2.5 and 2.6 until get_task_mm)",
    fix: "oom-pin-mm",
    route:
      "out_of_memory's select_bad_process chooses the oldest process and drops tasklist_lock; that process (killed before, say) passes exit_mm; oom_kill's loop reads p->mm as NULL and kills every task without an mm, the kernel threads",
    // Without kswapd since __alloc_pages' watermark tests and swap_out's mmput became steps of
    // their own (6 Dec 2026): with it the random walk found this from 19 of hunt seeds 1-20
    // within 10 CPU-seconds, median 2.81, p95 6.59; without, 20 of 20, median 0.35, p95 1.63,
    // seeds 21-60 0.25 / 1.10 (5 frames with kswapd: 0.78 / 2.16), and 0.33 / 1.05 over seeds
    // 1-20 after the same day's audit split four more steps; the kill's mm-less tasks are
    // the kernel threads whether the model runs kswapd or not (oom_kill.ts oom_kill_no_mm).
    hunt: {
      model: "linux-2.4.16",
      sched: "random",
      mix: "all",
      slots: 3,
      pages: 8,
      jiffySteps: 1,
      kswapd: false,
      keepGoing: true,
    },
    signatures: ["bug-on@try_to_free_pages"],
    takes: "oom unpinned victim",
    test: "test/races/oom-kthreads.test.ts",
  },
  {
    name: "swap-map-uaf",
    // The 2018 race's class (get_swap_device/put_swap_device) in the 2.4 code shape: 2.4.16 has
    // no route (every reader holds swap_device_lock and checks max, or holds a count on the
    // slot that try_to_unuse must see dropped before the vfree; docs/kernel-notes.md), 2.4.0 has
    // one, closed in 2.4.10-pre by p->max = 0 beside the vfree.
    kernels: "linux-2.4.0 (2.4.0 to 2.4.9)",
    fix: "swapoff-clears-max",
    route:
      "a fault reads swap pte E and waits for the BKL; swapoff maps the page, frees E, then vfrees the map but leaves p->max; the fault's valid_swaphandles tests only toff < max and reads the freed map",
    // 2.4.0 meets other races on the way (its duplicates and data losses): the hunt keeps going.
    hunt: { model: "linux-2.4.0", mix: "read=4,write=4,swapoff=1,swapon=1", keepGoing: true },
    signatures: ["swap-map-uaf@valid_swaphandles", "swap-map-uaf@swap_duplicate"],
    test: "test/races/swap-map-uaf.test.ts",
  },
  {
    name: "zap-delete-uncached",
    // Docs: kernel-notes.md "2.4.0's zap deleting a page swapoff took out of the cache". 2.4.0's
    // free_page_and_swap_cache tests PageSwapCache, then TryLockPage, and its is_page_shared
    // counts a page that left the cache as unshared; an exiting task's mm is invisible to
    // swapoff's for_each_task walk. The fix is the flag turned off: the exclusive_swap_page of
    // later 2.4 (pre9's in the model) returns 0 for a page no longer in the swap cache, and
    // 2.4.16's remove_exclusive_swap_page rechecks under the page lock. Writes, exits and
    // swapoffs on two CPUs: seeds 1-3 find it at executions 887, 11,594 and 6,722 (since
    // 2.4.0's page_launder passes over a locked page, launder-skips-locked, 6 Dec 2026;
    // test/races/zap-delete-uncached.test.ts pins seeds 1 and 3; 22,412, 12,613 and 2,660 since
    // 2.4.0's swap-buffers and its lookup and zap page-lock windows, the same day; 60,886, 12,613
    // and 6,773 before); on the model before 6 Dec
    // 2026, which ran the test and the trylock in one section, seed 1 met it in none of 300,000.
    kernels: "linux-2.4.0 (not linux-2.4.10-pre, whose exclusive_swap_page tests PageSwapCache under the page lock)",
    fix: "-is-page-shared",
    route:
      "an exiting task's zap finds its page P in the swap cache and trylocks it a step later; swapoff, which skips the exiting mm, deletes P and frees its entry in between; is_page_shared finds P (count 1) unshared and the zap deletes a page no longer cached: remove_from_swap_cache's BUG()",
    hunt: { model: "linux-2.4.0", mix: "write=4,exit=1,swapoff=1", keepGoing: true },
    signatures: ["bug-on@delete_from_swap_cache"],
    test: "test/races/zap-delete-uncached.test.ts",
  },
  {
    name: "add-flags-deactivate",
    // Docs: kernel-notes.md "add_to_swap_cache's plain store of page->flags (2.4.0, pre9)".
    // 2.4.0's and pre9's add_to_swap_cache load page->flags and store it back whole before
    // pagecache_lock (flag add-before-pcl); try_to_swap_out holds the page lock and the mm's
    // page_table_lock there, and refill_inactive's deactivate_page takes neither, so a
    // deactivation in between is undone: PG_active on a page on the inactive list, the active
    // count one short (2.4.0: PG_inactive_dirty cleared too, page_launder's "wrong page on
    // list"). The same store class as 2.4.16's __add_to_page_cache (flag plain-add-flags,
    // fixed by Rik van Riel in 2.4.23). Found by the pre9 hunts once pre9 took add-before-pcl
    // (6 Dec 2026; `hunt --sched random --page-cluster 0 --seed 2` at execution 2,519). The
    // deactivation comes from refill_inactive, which is 2.4.16's policy in every model; 2.4.0's
    // and pre9's refill_inactive_scan deactivate such a page too (age 0, page_count 1: the
    // pte's reference try_to_swap_out is unmapping).
    kernels: "linux-2.4.10-pre (2.4.10-pre9), linux-2.4.0",
    fix: "-add-before-pcl",
    route:
      "try_to_swap_out's add_to_swap_cache loads page->flags (PG_active) before pagecache_lock; refill_inactive's deactivate_page moves the page to the inactive list; the add stores the old word back: PG_active on the inactive list, nr_active_pages one short",
    hunt: { model: "linux-2.4.10-pre", sched: "random", keepGoing: true },
    signatures: ["lru:nr_active_pages"],
    test: "test/mm/add-flags-lost-old.test.ts",
  },
  {
    name: "dirty-list-delete",
    // Docs: kernel-notes.md "set_page_dirty against a delete from the swap cache". 2.4.16's
    // set_page_dirty (mm/filemap.c) reads page->mapping before it takes pagecache_lock and does
    // not read it again; the zap's __free_pte calls it holding only its mm's page_table_lock.
    // try_to_unuse (or free_swap_and_cache when vm_swap_full), holding the page lock, deletes
    // the page from the swap cache in between: the page is linked onto swapper_space's dirty
    // list after __remove_inode_page took it off, and the free lists reuse page->list once the
    // page is freed. 2.4.20 reads the mapping again under the lock ("may have been truncated").
    // Found by a helper auditing assembly/mm/swap_state.ts (6 Dec 2026); the default
    // linux-2.4.16 swarm hunt meets it at execution 1,696,341 of seed 1. This hunt: an exit and a
    // swapoff beside the writes, PCT from seed 1 at 45,572.
    kernels: "linux-2.4.16 (until 2.4.20), linux-2.4.0 (its __set_page_dirty follows the NULL mapping instead)",
    fix: "set-page-dirty-recheck",
    route:
      "an exit's zap dirties a swap-cache page (set_page_dirty reads its mapping, swapper_space); try_to_unuse deletes the page from the swap cache; the zap takes pagecache_lock and links the page onto swapper_space's dirty list",
    hunt: { model: "linux-2.4.16", mix: "write=4,read=2,exit=2,munmap=1,swapoff=1" },
    signatures: ["dirty-list*"],
    test: "test/mm/set-page-dirty-delete.test.ts",
  },
];

/** A race's fix as flags and the state the fixed model has each in: on (the flag's name), or
 *  off ("-" and its name: the flag is the old code, as unlocked-dup-check). A fix of two
 *  changes that only close the race together lists both, comma-separated. */
export function raceFixes(race: Pick<Race, "fix">): { flag: string; on: boolean }[] {
  return race.fix.split(",").map((f) => (f.startsWith("-") ? { flag: f.slice(1), on: false } : { flag: f, on: true }));
}

/** Whether a finding's signature counts for the race (its signatures, "*" a prefix). */
export function matchesRace(race: Race, signature: string): boolean {
  return race.signatures.some((s) => (s.endsWith("*") ? signature.startsWith(s.slice(0, -1)) : s === signature));
}

/** The `faultsim hunt` command line of a hunt (flags in the CLI's spelling). */
export function huntCommand(h: RaceHunt, seed?: number): string {
  const parts = ["faultsim hunt", `--model ${h.model}`];
  for (const f of h.with ?? []) parts.push(`--with ${f}`);
  for (const f of h.without ?? []) parts.push(`--without ${f}`);
  if (h.sched && h.sched !== "pct") parts.push(`--sched ${h.sched}`);
  if (h.depth !== undefined) parts.push(`--depth ${h.depth}`);
  if (h.mix) parts.push(`--mix ${h.mix}`);
  const sizes: [keyof RaceHunt, string][] = [
    ["ops", "--ops"],
    ["cpus", "--cpus"],
    ["frames", "--frames"],
    ["pages", "--pages"],
    ["slots", "--slots"],
    ["pageCluster", "--page-cluster"],
    ["mms", "--mms"],
    ["areas", "--areas"],
    ["jiffySteps", "--jiffy-steps"],
  ];
  for (const [k, opt] of sizes) if (h[k] !== undefined) parts.push(`${opt} ${h[k]}`);
  if (h.kswapd === false) parts.push("--no-kswapd");
  if (h.threads !== undefined) parts.push(h.threads ? "--threads" : "--no-threads");
  if (h.keepGoing) parts.push("--keep-going");
  if (seed !== undefined) parts.push(`--seed ${seed}`);
  return parts.join(" ");
}

/** Exit code of a check (check.ts): 0 when every race was found and every fixed hunt clean, else 1. */
export const checkExitCode = (rows: readonly RaceCheckRow[]): number =>
  rows.every((r) => r.found && r.fixedFindings.length === 0) ? 0 : 1;
