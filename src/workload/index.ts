export * from "./generator.js";
export { mix32, streamSeed } from "./rng.js";
