import type { Register } from "./program.ts";
export const registerQuery: Register = () => {};
