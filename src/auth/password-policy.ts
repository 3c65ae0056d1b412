import { readFileSync } from "node:fs";
import { z } from "zod";

const MIN_PASSWORD_LENGTH = 10;

// Read once: a few thousand well-known passwords and their common variants, lowercase, one a line.
const COMMON = new Set(
  readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean),
);

function isCommonPassword(password: string): boolean {
  return COMMON.has(password.trim().toLowerCase());
}

/** A password someone chooses (registration, reset, change): long enough and not on the common list. */
export const newPasswordSchema = z
  .string({ error: "The password is required" })
  .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, "At most 200 characters")
  .refine((p) => !isCommonPassword(p), "This password is too common");
