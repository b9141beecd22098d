// Types of src/build/abi-gen.mjs (a plain build script, run before tsc) for the tests.
export declare const GENERATED: string;
export declare function generateAbi(dir: string): string;
export declare const GENERATED_DISPATCH: string;
export declare function generateDispatch(dir: string): string;
