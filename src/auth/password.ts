import { argon2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { appSlot, type Argon2Cost, type Ctx } from "../context.ts";

const argon2Async = promisify(argon2);

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. Tests lower the memory cost through the app's passwordCost. */
export const DEFAULT_COST: Argon2Cost = Object.freeze({ memory: 19_456, passes: 2, parallelism: 1 });

const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");

/** PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, at the app's cost. */
export async function hashPassword(ctx: Pick<Ctx, "passwordCost">, password: string): Promise<string> {
  const cost = ctx.passwordCost;
  const nonce = randomBytes(16);
  const hash = await argon2Async("argon2id", {
    message: password,
    nonce,
    parallelism: cost.parallelism,
    tagLength: 32,
    memory: cost.memory,
    passes: cost.passes,
  });
  return `$argon2id$v=19$m=${cost.memory},t=${cost.passes},p=${cost.parallelism}$${b64(nonce)}$${b64(hash)}`;
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, "base64");
  const actual = await argon2Async("argon2id", {
    message: password,
    nonce: Buffer.from(m[4]!, "base64"),
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    tagLength: expected.length,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random password for an account an operator sets up (20 characters, about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/** A hash to verify against when the user does not exist, so timing does not reveal accounts (at this app's cost). */
const DUMMY_HASH = appSlot("dummy password hash", (app) => hashPassword(app, "not-a-real-password"));
export function dummyHash(ctx: Pick<Ctx, "state">): Promise<string> {
  return ctx.state.get(DUMMY_HASH);
}
