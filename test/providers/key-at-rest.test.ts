import { afterAll, beforeAll, expect, it } from "vitest";
import { bootPlatform } from "../../src/app/boot.ts";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { openSecret, sealSecret } from "../../src/lib/secret-box.ts";
import { dbNow } from "../../src/lib/time.ts";
import { startSimProvider, type SimProvider } from "../../src/provider-sim/server.ts";
import { body, describeEachDialect, makePlatform, signUpAdmin, TEST_PASSWORD_COST, type TestPlatform } from "../harness/platform.ts";
import { SECRET_KEY, SIM_START } from "./support.ts";

it("seals a secret as v1: + base64url(iv | tag | ciphertext) that opens only with its key and unaltered", () => {
  const key = Buffer.alloc(32, 3);
  const sealed = sealSecret(SECRET_KEY, key);
  expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]+$/);
  expect(Buffer.from(sealed.slice(3), "base64url")).toHaveLength(12 + 16 + SECRET_KEY.length);
  expect(sealSecret(SECRET_KEY, key)).not.toBe(sealed);
  expect(openSecret(sealed, key)).toBe(SECRET_KEY);
  expect(() => openSecret(sealed, Buffer.alloc(32, 4))).toThrow();
  const raw = Buffer.from(sealed.slice(3), "base64url");
  raw[raw.length - 1]! ^= 1;
  expect(() => openSecret(`v1:${raw.toString("base64url")}`, key)).toThrow();
  expect(() => openSecret(SECRET_KEY, key)).toThrow();
});

describeEachDialect("provider keys at rest", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    sim = await startSimProvider({ apiKey: SECRET_KEY, clock: () => SIM_START });
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });
  const storedKey = async (id: number) =>
    (await p.services.db.selectFrom("api_providers").select("api_key").where("id", "=", id).executeTakeFirstOrThrow()).api_key;

  it("an admin's provider key is stored sealed, shown only as a hint, and reaches the provider in clear", async () => {
    const admin = await signUpAdmin(p);
    const res = await p.request("/api/admin/services/providers", {
      method: "POST",
      token: admin.token,
      json: { name: "Sealed panel", url: sim.url, key: SECRET_KEY, currency: "USD", exchange_rate: "600" },
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(SECRET_KEY);
    const created = JSON.parse(text).data;
    expect(created).toMatchObject({ key_set: true, key_hint: "••••d8b6" });

    const stored = await storedKey(created.id);
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain(SECRET_KEY);
    expect(openSecret(stored, p.services.config.DATA_ENCRYPTION_KEY)).toBe(SECRET_KEY);

    // The simulated panel refuses any other key: an imported catalogue means the key was opened.
    const sync = await p.request("/api/admin/services/sync", { method: "POST", token: admin.token, json: { provider_id: created.id } });
    expect(sync.status).toBe(200);
    const imported = (await body(sync)).data;
    expect(imported).toMatchObject({ errors: [] });
    expect(imported.added).toBeGreaterThan(0);
    const logs = await p.services.db.selectFrom("provider_logs").selectAll().where("provider_id", "=", created.id).execute();
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(logs)).not.toContain(stored);
  });

  it("a key stored in clear is sealed at the next start, and a start with another DATA_ENCRYPTION_KEY is refused in one line", async () => {
    const now = dbNow();
    const inserted = await p.services.db
      .insertInto("api_providers")
      .values({ name: "Old row", url: sim.url, api_key: "plain-key-from-before", currency: "USD", is_active: 0, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    const id = Number(inserted.insertId);
    const again = await bootPlatform(p.services.config, { passwordCost: TEST_PASSWORD_COST });
    await again.close();
    const stored = await storedKey(id);
    expect(stored).toMatch(/^v1:/);
    expect(openSecret(stored, p.services.config.DATA_ENCRYPTION_KEY)).toBe("plain-key-from-before");

    const otherKey = loadConfig({ ...configEnv(p), DATA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64") });
    const refused = await bootPlatform(otherKey, { passwordCost: TEST_PASSWORD_COST }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEY: not the key/)]);
    expect(await storedKey(id)).toBe(stored);
  });
});

/** The test platform's own settings, as environment strings. */
function configEnv(p: TestPlatform): Record<string, string> {
  const c = p.services.config;
  return { NODE_ENV: "test", APP_URL: c.APP_URL, SITES_DOMAIN: c.SITES_DOMAIN, LOG_LEVEL: "silent", DATABASE_URL: c.DATABASE_URL!, DATA_DIR: c.DATA_DIR };
}
