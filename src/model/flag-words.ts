// A set of model flags as the config block carries it: two words, CFG_FLAGS (assembly/model.ts
// F_*) and CFG_FLAGS2 (F2_*). Apart from models.ts so that the engine reads them without the
// flag table.
import { InternalError } from "../errors.js";

/** A set of flags as the model's two config words, as ResolvedModel carries them. Both words
 *  are required: a bare word 0 would silently drop word 1 (linux-2.4.10-pre's and linux-2.4.0's
 *  F2_* flags: get-swap-page-eq0, drop-pte-deactivate-locked, is-page-shared). A repro omits a
 *  zero word 1; pass it through reproFlagWords. */
export type FlagWords = { readonly flags: number; readonly flags2: number };

/** Refuses what is not both words (a bare number, an object without flags2: a caller from
 *  plain JS, or one that cast it through), which would otherwise run as word 1 = 0. */
function checked(f: FlagWords): FlagWords {
  if (typeof f !== "object" || f === null || !Number.isInteger(f.flags) || !Number.isInteger(f.flags2))
    throw new InternalError(`flag words must be { flags, flags2 } (both words), not ${JSON.stringify(f)}`);
  return f;
}

/** The CFG_FLAGS word of a flag set. */
export const flagWord0 = (f: FlagWords): number => checked(f).flags;
/** The CFG_FLAGS2 word of a flag set. */
export const flagWord1 = (f: FlagWords): number => checked(f).flags2;
/** The two words of a repro file's flags (revision 1 files, and revision 2 ones whose word 1
 *  is 0, leave flags2 out). */
export const reproFlagWords = (r: { readonly flags: number; readonly flags2?: number }): FlagWords => ({
  flags: r.flags,
  flags2: r.flags2 ?? 0,
});
