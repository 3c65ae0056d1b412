import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { PLATFORM } from "../../src/context.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { PLATFORM_TENANT_ID, forTenant, inTenant, onPlatform, type TenantTable } from "../../src/tenancy/scoped.ts";
import { describeEachDialect, signUp, type TestPlatform } from "../harness/platform.ts";
import { activeMethod, customerOf, customerTicket, resellerSite, whiteLabelPlatform, type Reseller } from "../reseller/helpers.ts";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * Where a query may still name site_id by hand, and why. Everything else goes through
 * src/tenancy/scoped.ts (inTenant / forTenant / onPlatform).
 */
const ALLOWED: { file: string; contains: string; why: string }[] = [
  {
    file: "white-label/admin.ts",
    contains: `base.where("site_id", "=", q.site_id)`,
    why: "the admin's subscriptions list over all sites, filtered by the site the admin picks",
  },
];

/** A value filter on site_id written by hand, a raw-SQL one, or a bare 0 standing for the platform. */
const PATTERNS: { what: string; re: RegExp }[] = [
  { what: "hand-written site_id filter", re: /\.(?:where|having|on)\(\s*["'`][\w.]*\bsite_id["'`]\s*,/g },
  { what: "site_id in raw SQL", re: /sql`[^`]*\bsite_id\s*(?:=|in\b)/gi },
  { what: "bare 0 for the platform tenant", re: /\b(?:site_id|siteId)\s*(?::|===|!==|==|!=)\s*0\b/g },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Each offending line of a source text as "file:line: what: code". */
function tenancyOffenders(file: string, text: string): string[] {
  const out: string[] = [];
  for (const { what, re } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const lineNo = text.slice(0, m.index).split("\n").length;
      const line = text.split("\n")[lineNo - 1]!.trim();
      if (ALLOWED.some((a) => a.file === file && line.includes(a.contains))) continue;
      out.push(`${file}:${lineNo}: ${what}: ${line}`);
    }
  }
  return out;
}

describe("tenant scoping has one entry point", () => {
  it("no query outside src/tenancy/ filters site_id by hand or names the platform with a bare 0", () => {
    const offenders = sourceFiles(SRC)
      .map((path) => relative(SRC, path).split("\\").join("/"))
      .filter((file) => !file.startsWith("tenancy/") && file !== "db/schema.ts")
      .flatMap((file) => tenancyOffenders(file, readFileSync(join(SRC, file), "utf8")));
    expect(
      offenders,
      "route these through inTenant(ctx) / forTenant(db, siteId) / onPlatform(db) from src/tenancy/scoped.ts, or allow-list them with a reason",
    ).toEqual([]);
  });

  it("the check catches the forms a hand-written filter takes", () => {
    const sample = [
      `ctx.db.selectFrom("orders").where("orders.site_id", "=", ctx.tenant.siteId)`,
      `ctx.db.selectFrom("users")\n  .where(\n    "site_id",\n    "=",\n    siteId,\n  )`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text with a template in it
      "sql`select 1 from tickets where site_id = ${id}`",
      `createChargedOrder(tx, { siteId: 0 })`,
      `.whereRef("orders.site_id", "=", "users.site_id")`,
    ].join("\n");
    expect(tenancyOffenders("x.ts", sample).map((o) => o.split(": ")[1])).toEqual([
      "hand-written site_id filter",
      "hand-written site_id filter",
      "site_id in raw SQL",
      "bare 0 for the platform tenant",
    ]);
  });

  it("only tables that carry a site_id can be scoped (checked by tsc)", () => {
    expectTypeOf<"orders" | "users" | "transactions" | "tickets" | "payment_methods" | "api_keys">().toExtend<TenantTable>();
    expectTypeOf<"services">().not.toExtend<TenantTable>();
    expectTypeOf<"white_label_sites">().not.toExtend<TenantTable>();
  });

  it("every allow-listed place still exists (a stale entry would hide nothing and mislead)", () => {
    for (const a of ALLOWED) expect(readFileSync(join(SRC, a.file), "utf8"), `${a.file}: ${a.why}`).toContain(a.contains);
  });
});

describeEachDialect("tenant-scoped queries through src/tenancy/scoped.ts", (dialect) => {
  let p: TestPlatform;
  let a: Reseller;
  let b: Reseller;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    a = await resellerSite(p);
    b = await resellerSite(p);
    for (const r of [a, b]) await customerTicket(p, r, await customerOf(p, r));
    await signUp(p);
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
  });

  it("a site's scope reads only that site's rows, and the platform's scope only the platform's", async () => {
    const ticketsOfA = await inTenant(p.ctx(a.tenant)).selectFrom("tickets").select("site_id").execute();
    expect(ticketsOfA.length).toBe(1);
    expect(ticketsOfA.every((t) => t.site_id === a.tenant.siteId)).toBe(true);
    const platformUsers = await onPlatform(p.services.db).selectFrom("users").select("site_id").execute();
    expect(platformUsers.length).toBeGreaterThan(0);
    expect(new Set(platformUsers.map((u) => u.site_id))).toEqual(new Set([PLATFORM_TENANT_ID]));
    expect(inTenant(p.ctx(PLATFORM)).siteId).toBe(PLATFORM_TENANT_ID);
  });

  it("joins and filters stay available after the scope, and the join does not widen it", async () => {
    const rows = await inTenant(p.ctx(b.tenant))
      .selectFrom("tickets")
      .innerJoin("users", "users.id", "tickets.user_id")
      .select(["tickets.site_id", "users.site_id as user_site"])
      .where("tickets.status", "=", "open")
      .execute();
    expect(rows).toEqual([{ site_id: b.tenant.siteId, user_site: b.tenant.siteId }]);
  });

  it("an insert gets the scope's site, and an update or delete in one site leaves the other site's rows alone", async () => {
    const methodOfB = await activeMethod(p, b);
    const siteA = forTenant(p.services.db, a.tenant.siteId);
    const now = "2025-01-01 00:00:00.000";
    await siteA
      .insertInto("payment_methods", {
        code: methodOfB.code,
        name: "Copy",
        type: "bank",
        instructions_fr: "x",
        instructions_en: "x",
        currency: "XOF",
        min_amount: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const copy = await siteA.selectFrom("payment_methods").selectAll().where("code", "=", methodOfB.code).executeTakeFirstOrThrow();
    expect(copy.site_id).toBe(a.tenant.siteId);

    // Site A's verbs aimed at B's method id change nothing on B.
    const updated = await siteA.updateTable("payment_methods").set({ name: "Hijacked" }).where("id", "=", methodOfB.id).executeTakeFirst();
    const deleted = await siteA.deleteFrom("payment_methods").where("id", "=", methodOfB.id).executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(0);
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const still = await p.services.db.selectFrom("payment_methods").select(["name", "site_id"]).where("id", "=", methodOfB.id).executeTakeFirstOrThrow();
    expect(still).toEqual({ name: methodOfB.name, site_id: b.tenant.siteId });

    expect(Number((await siteA.deleteFrom("payment_methods").where("id", "=", copy.id).executeTakeFirst()).numDeletedRows)).toBe(1);
  });
});
