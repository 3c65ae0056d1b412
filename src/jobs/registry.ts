import type { JobDef } from "./scheduler.ts";

/** Every scheduled job; each is also a CLI command of the same name. Features add theirs here. */
export const JOBS: JobDef[] = [];
