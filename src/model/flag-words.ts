// A set of model flags as the config block carries it: two words, CFG_FLAGS (assembly/model.ts
// F_*) and CFG_FLAGS2 (F2_*). Apart from models.ts so that the engine reads them without the
// flag table.

/** A set of flags as the model's two config words. A bare number is word 0 alone (word 1 is
 *  0); an object is both, as ResolvedModel and a repro carry them (a repro omits a zero word 1). */
export type FlagWords = number | { readonly flags: number; readonly flags2?: number };

/** The CFG_FLAGS word of a flag set. */
export const flagWord0 = (f: FlagWords): number => (typeof f === "number" ? f : f.flags);
/** The CFG_FLAGS2 word of a flag set. */
export const flagWord1 = (f: FlagWords): number => (typeof f === "number" ? 0 : (f.flags2 ?? 0));
