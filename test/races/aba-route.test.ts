// The swapin ABA route classifier (src/races/aba-route.ts) on hand-made traces: the race's
// four steps in order count; each one missing or out of order does not.
import { describe, it, expect } from "vitest";
import { classifyAba } from "../../src/races/aba-route.js";
import { EV, type TraceRecord } from "../../src/report/trace.js";
import { rec } from "../helpers/trace-record.js";

const E = 0x101; // an entry (its encoding does not matter here)
const P = 3; // the page

// CPU1 gets P for E; CPU0's swap-full delete frees E; CPU2's swap-out gets E again; CPU1 maps P.
const story: TraceRecord[] = [
  rec(10, 1, EV.SWAP_HIT, E, P),
  rec(20, 0, EV.SWAP_FULL_DELETE, P, E),
  rec(30, 2, EV.GET_SWAP_PAGE, E, 0),
  rec(40, 1, EV.SWAP_MAP, P, 7),
];

describe("classifyAba", () => {
  it("finds the route: holder, deleter, E handed out again, holder maps P", () => {
    expect(classifyAba(story)).toEqual({
      holder: { agent: 1, step: 10 },
      deleter: { agent: 0, step: 20, how: "exclusive" },
      handedOut: { agent: 2, step: 30 },
      mapped: { step: 40, vpage: 7 },
      page: P,
      entry: E,
    });
  });

  it("counts read_swap_cache_async's page like a lookup hit, and any of several holders", () => {
    const t = [rec(5, 3, EV.SWAP_HIT, E, P), ...story];
    t[1] = rec(10, 1, EV.SWAP_READ, E, P);
    expect(classifyAba(t)?.holder).toEqual({ agent: 1, step: 10 });
  });

  it("counts 2.4.16's deletes: remove_exclusive_swap_page's removal and delete_from_swap_cache (swapoff's)", () => {
    const exclusive = [story[0], rec(20, 0, EV.REMOVE_EXCLUSIVE, P, E, 1), story[2], story[3]];
    expect(classifyAba(exclusive)?.deleter).toEqual({ agent: 0, step: 20, how: "exclusive" });
    const swapoff = [story[0], rec(20, 0, EV.DELETE, P, E), story[2], story[3]];
    expect(classifyAba(swapoff)?.deleter).toEqual({ agent: 0, step: 20, how: "delete" });
    // remove_exclusive_swap_page that kept the page deletes nothing.
    expect(classifyAba([story[0], rec(20, 0, EV.REMOVE_EXCLUSIVE, P, E, 0), story[2], story[3]])).toBeUndefined();
  });

  // The catalogue's swapin-aba hunt, seed 1 (5 Dec 2026): the holder's read_swap_cache_async
  // found P in the cache (its lookup hit, which takes the reference) before the delete, and
  // do_swap_page noted the page it got only a section later, after the delete.
  it("dates the holder's reference from its lookup hit, when do_swap_page notes the page after the delete", () => {
    const late = [
      rec(8, 1, EV.FAULT, 7, 0),
      rec(10, 1, EV.LOOKUP_HIT, E, P, 2),
      story[1],
      rec(25, 1, EV.SWAP_READ, E, P),
      ...story.slice(2),
    ];
    expect(classifyAba(late)?.holder).toEqual({ agent: 1, step: 10 });
    // A hit of an earlier fault (a fault record between it and the get) does not count, nor
    // one of another page.
    const earlier = [late[1], rec(12, 1, EV.FAULT, 7, 0), ...late.slice(2)];
    expect(classifyAba(earlier)).toBeUndefined();
    expect(classifyAba([late[0], rec(10, 1, EV.LOOKUP_HIT, E, P + 1, 2), ...late.slice(2)])).toBeUndefined();
  });

  it("does not count a trace missing a step, or with a step out of order", () => {
    for (let i = 0; i < story.length; i++) expect(classifyAba(story.filter((_, j) => j !== i)), `without ${i}`).toBeUndefined();
    // The deleter's own lookup, E never handed out again, another page mapped, the map too early.
    expect(classifyAba([rec(10, 0, EV.SWAP_HIT, E, P), ...story.slice(1)])).toBeUndefined();
    expect(classifyAba([...story.slice(0, 2), rec(30, 2, EV.GET_SWAP_PAGE, E + 1, 0), story[3]])).toBeUndefined();
    expect(classifyAba([...story.slice(0, 3), rec(40, 1, EV.SWAP_MAP, P + 1, 7)])).toBeUndefined();
    expect(classifyAba([story[0], story[1], rec(25, 1, EV.SWAP_MAP, P, 7), story[2]])).toBeUndefined();
  });
});
