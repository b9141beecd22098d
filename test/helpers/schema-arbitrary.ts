// A fast-check arbitrary of the documents a JSON Schema describes: the schema's own arbitrary,
// for the subset of draft 2020-12 that zod's z.toJSONSchema writes for faultsim's schemas
// (src/schema/json-schema.ts): const, enum, integer and number with bounds, string with a
// pattern or a length, boolean, array with maxItems, object with required keys. Anything else
// is an error here, so a schema that grows a new construct is noticed, not skipped.
import fc from "fast-check";

type Schema = Record<string, unknown>;

/** Longest array or free string generated: the schema's own limit when smaller. */
export interface Caps {
  array: number;
  string: number;
}

export function arbitraryOf(s: Schema, caps: Caps = { array: 10, string: 40 }): fc.Arbitrary<unknown> {
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.anyOf)) return fc.oneof(...(s.anyOf as Schema[]).map((x) => arbitraryOf(x, caps)));
  switch (s.type) {
    case "integer":
      return fc.integer({ min: (s.minimum as number | undefined) ?? -(2 ** 31), max: (s.maximum as number | undefined) ?? 2 ** 32 - 1 });
    case "number":
      return fc.double({ min: (s.minimum as number | undefined) ?? -1e9, max: (s.maximum as number | undefined) ?? 1e9, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "string": {
      const max = Math.min((s.maxLength as number | undefined) ?? caps.string, caps.string);
      const min = (s.minLength as number | undefined) ?? 0;
      if (typeof s.pattern === "string") {
        const re = new RegExp(s.pattern);
        return fc.stringMatching(re).filter((x) => x.length >= min && x.length <= ((s.maxLength as number | undefined) ?? Infinity));
      }
      return fc.string({ minLength: min, maxLength: Math.max(min, max), unit: "binary" });
    }
    case "array": {
      const max = Math.min((s.maxItems as number | undefined) ?? caps.array, caps.array);
      return fc.array(arbitraryOf(s.items as Schema, caps), { minLength: (s.minItems as number | undefined) ?? 0, maxLength: max });
    }
    case "object": {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v, caps)]));
      return fc.record(shape, { requiredKeys: (s.required as string[] | undefined) ?? [] });
    }
    default:
      throw new Error(`schema-arbitrary: no arbitrary for ${JSON.stringify(s).slice(0, 200)}`);
  }
}
