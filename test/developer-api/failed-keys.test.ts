import { randomInt } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { userWithKey, v1, v2 } from "./helpers.ts";

const PER_ADDRESS = 30;
const PER_PREFIX = 10;

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** A key-shaped string that names no key: `start` (a prefix, or just `sk_`) and random base32 up to 39 characters. */
const badKey = (start = "sk_") => start + Array.from({ length: 39 - start.length }, () => BASE32[randomInt(32)]).join("");

describeEachDialect("guessing API keys", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { API_KEY_FAILURES_PER_ADDRESS: String(PER_ADDRESS), API_KEY_FAILURES_PER_PREFIX: String(PER_PREFIX) });
  });
  afterAll(() => p.close());

  it("an address that sends 50 bad keys gets 429 for bad keys on v1 and v2, yet its valid key still answers 200", async () => {
    const owner = await userWithKey(p);
    const ip = "198.51.100.77";
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await v1(p, "/balance", badKey(), { ip })).status);
    expect(statuses.slice(0, PER_ADDRESS)).toEqual(Array(PER_ADDRESS).fill(401));
    expect(statuses.slice(PER_ADDRESS)).toEqual(Array(50 - PER_ADDRESS).fill(429));
    const limited = await v1(p, "/balance", "not even a key", { ip });
    expect(limited.status).toBe(429);
    expect((await body(limited)).error.code).toBe("rate_limited");
    const v2Limited = await v2(p, { key: "sk_nope", action: "balance" }, { ip });
    expect(v2Limited.status).toBe(429);
    expect(v2Limited.json.error).toMatch(/Too many/);

    // A shared carrier address: the customer whose key is valid is checked and admitted as usual.
    const valid = await v1(p, "/balance", owner.key, { ip });
    expect(valid.status).toBe(200);
    expect((await body(valid)).data.balance).toBeDefined();
    expect((await v2(p, { key: owner.key, action: "balance" }, { ip })).json.balance).toBeDefined();

    expect((await v1(p, "/balance", badKey(), { ip: "198.51.100.78" })).status).toBe(401);
  });

  it("bad keys with one prefix from many addresses are limited per prefix, whether or not a key has that prefix", async () => {
    const owner = await userWithKey(p);
    const known = owner.key.slice(0, 10);
    const unknown = badKey().slice(0, 10);
    let ip = 0;
    const next = () => `203.0.113.${++ip}`;
    for (const prefix of [known, unknown]) {
      const statuses: number[] = [];
      for (let i = 0; i < PER_PREFIX + 3; i++) statuses.push((await v1(p, "/balance", badKey(prefix), { ip: next() })).status);
      // The same answers for a prefix that exists and one that does not: the limit tells nothing about keys.
      expect(statuses, prefix).toEqual([...Array(PER_PREFIX).fill(401), 429, 429, 429]);
      expect((await v2(p, { key: badKey(prefix), action: "balance" }, { ip: next() })).status).toBe(429);
    }
    expect((await v1(p, "/balance", badKey(), { ip: next() })).status).toBe(401);
    // The key that owns the prefix is still admitted, from any address.
    expect((await v1(p, "/balance", owner.key, { ip: next() })).status).toBe(200);
  });

  it("a revoked key counts as a bad key and is limited like one", async () => {
    const owner = await userWithKey(p);
    const del = await p.request(`/api/user/api-keys/${owner.keyId}`, { method: "DELETE", token: owner.token });
    expect(del.status).toBe(200);
    const ip = "192.0.2.200";
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 1; i++) statuses.push((await v1(p, "/balance", i < PER_ADDRESS ? badKey() : owner.key, { ip })).status);
    expect(statuses.at(-2)).toBe(401);
    expect(statuses.at(-1)).toBe(429);
  });
});
