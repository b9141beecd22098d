// Number options of every command: decimal only. `Number()` would also take "0x10", "0b11",
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
