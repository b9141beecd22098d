export * from "./generator.js";
export { mix32 } from "./rng.js";
