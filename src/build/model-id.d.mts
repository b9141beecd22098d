// Types of src/build/model-id.mjs (a plain build script, run before tsc) for the tests.
export declare const MODEL_ID_LENGTH: number;
export declare function modelSources(dir: string): string[];
export declare function computeModelId(dir: string): { modelId: string; sources: number };
export declare function modelIdFileFor(wasm: string): string;
