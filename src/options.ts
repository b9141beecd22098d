// The option parsing every command shares (`run`, `hunt`, `replay`, and the API through them):
// numbers, bounds, seeds and comma lists are read and refused here, with the same wording.
//
// Number options: decimal only. `Number()` would also take "0x10", "0b11",
// "0o7", "Infinity" and "" (as 0); an option that says --write-ratio 0 should have to say 0.
// Exponent notation stays (--check-interval 1e6, --ops 2.5e5: a decimal number all the same).
import { UsageError } from "./errors.js";

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The decimal number in raw, or NaN (not a decimal number, or empty). */
export function decimal(raw: string | number): number {
  if (typeof raw === "number") return raw;
  const t = raw.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}

/** Inclusive bounds of an integer option (src/bulk/config.ts LIMITS, src/explore/machine.ts HUNT_LIMITS). */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** An integer option in [min, max], written in decimal (1e6 notation allowed); else UsageError. */
export function intOption(name: string, raw: string | number, min: number, max: number): number {
  const v = decimal(raw);
  if (!Number.isInteger(v)) {
    throw new UsageError(`--${name} must be a decimal integer (1e6 notation allowed; no hex, octal or binary), got '${raw}'`);
  }
  if (v < min || v > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

/** A probability in [0, 1], written in decimal; else UsageError. */
export function fractionOption(name: string, raw: string | number): number {
  const v = decimal(raw);
  if (!Number.isFinite(v) || v < 0 || v > 1) {
    throw new UsageError(`--${name} must be a decimal number between 0 and 1, got '${raw}'`);
  }
  return v;
}

/** Seeds: any 32-bit value, signed (-2147483648..-1) or unsigned (0..4294967295). The value is
 *  kept as written, so it is echoed as written (4294967295, not -1); the model takes seed | 0. */
export const SEED_MIN = -(2 ** 31);
export const SEED_MAX = 2 ** 32 - 1;
export function seedOption(raw: string | number): number {
  return intOption("seed", raw, SEED_MIN, SEED_MAX);
}

/** An integer option within its bounds (a LIMITS table's row). */
export function boundedOption(name: string, raw: string | number, b: Bounds): number {
  return intOption(name, raw, b.min, b.max);
}

/** A bounded integer option that must be a power of two (`--jiffy-steps`). */
export function powerOfTwoOption(name: string, raw: string | number, b: Bounds): number {
  const n = boundedOption(name, raw, b);
  if ((n & (n - 1)) !== 0) throw new UsageError(`--${name} must be a power of two (${b.min}, ${b.min * 2}, .. ${b.max}), got ${raw}`);
  return n;
}

/** Longest time option, in ms (--budget-ms, --shrink-ms). */
export const MS_MAX = 2 ** 31;

/** Commander's collector of a repeatable option that also takes a comma-separated list:
 *  `--with a,b --with c` is [a, b, c], the same for every command (spaces around a name and a
 *  stray comma are dropped). A value that names nothing (`--with ''`, `--with ,`) is refused:
 *  taken as nothing, the option given would be silently no option. */
export const listOption =
  (option: string) =>
  (v: string, prev: string[]): string[] => {
    const names = v
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) throw new UsageError(`${option} '${v}': names nothing (give names separated by commas)`);
    return [...prev, ...names];
  };
/** The parsers of --with and --without, one each for every command that takes them. */
export const withOption = listOption("--with");
export const withoutOption = listOption("--without");

/** The command-line flag of an option attribute: `--budget-ms` for budgetMs (commander's
 *  camel-cased name back to its spelling), for messages that name what the user typed. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
