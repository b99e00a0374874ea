import type { Register } from "./program.ts";
export const registerIngest: Register = () => {};
