import { afterAll, afterEach, assert, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { refuseInserts } from "../harness/faults.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, fundedUser, money, orderWorld, type World } from "../orders/support.ts";
import { createKeyVia, ALL_PERMISSIONS, v1 } from "../developer-api/helpers.ts";
import { makeMethod, newRef } from "../wallet/helpers.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { customerOn, siteWith } from "../chain/support.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { putSetting } from "../../src/settings/service.ts";
import { credit } from "../../src/wallet/ledger.ts";

/** What one attempt got, in the same words at every entry point. */
interface Attempt {
  status: number;
  ok: boolean;
  /** The order or deposit it answered with. */
  id: string | null;
  /** The JSON APIs say so in `Idempotent-Replayed`; a form's redirect cannot (null). */
  replayed: boolean | null;
  /** The refusal's code (a form's translated message mapped back to it). */
  refusal: string | null;
}

/** One caller at one entry point. */
interface Caller {
  send(key: string, variant?: "same" | "other"): Promise<Attempt>;
  /** Orders or deposits the caller has. */
  created(): Promise<number>;
  balance(): Promise<number>;
  /** What one success takes from the balance. */
  cost: number;
  /** Makes the next attempts end in a 5xx for real, until the returned function undoes it. */
  breakIt(): Promise<() => Promise<void>>;
  /** The refusal code a broken attempt gets. */
  brokenRefusal: string;
}

interface EntryPoint {
  name: string;
  caller(): Promise<Caller>;
}

// The storefront's re-rendered form says why in the page's language (French by default).
const PAGE_REFUSALS: [string, string][] = [
  ["Ce formulaire est déjà en cours", "idempotency_in_flight"],
  ["Ce formulaire a déjà été envoyé", "idempotency_key_reused"],
  ["suspendues pour maintenance", "maintenance"],
  ["Ce service est momentanément indisponible", "service_unavailable"],
  ["Solde insuffisant", "insufficient_balance"],
];

describeEachDialect("one Idempotency-Key behaviour at every money entry point", (dialect) => {
  let w: World;
  let service: { id: number };
  let method: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
    method = await makeMethod(w.p);
  });
  afterEach(async () => {
    await putSetting(w.p.ctx(), "maintenance_mode", "0");
    await expectLedgerHolds(w);
  });
  afterAll(() => closeWorld(w));

  const maintenance = async () => {
    await putSetting(w.p.ctx(), "maintenance_mode", "1");
    return () => putSetting(w.p.ctx(), "maintenance_mode", "0");
  };
  const ordersOf = async (userId: number) => (await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", userId).execute()).length;
  const orderFields = (variant: "same" | "other") => ({
    service_id: service.id,
    link: "https://instagram.com/p/idem",
    quantity: variant === "same" ? 100 : 200,
  });

  async function jsonAttempt(res: Response): Promise<Attempt> {
    const b = await body(res);
    await settleDispatchKicks(w.p.services);
    const ok = res.status === 201;
    return {
      status: res.status,
      ok,
      id: ok ? String(b.data.uuid) : null,
      replayed: res.headers.get("idempotent-replayed") === "true",
      refusal: ok ? null : b.error.code,
    };
  }

  const entryPoints: EntryPoint[] = [
    {
      name: "POST /api/user/orders",
      async caller() {
        const u = await fundedUser(w, "1000");
        return {
          send: async (key, variant = "same") =>
            jsonAttempt(
              await w.p.request("/api/user/orders", { method: "POST", token: u.token, json: orderFields(variant), headers: { "Idempotency-Key": key } }),
            ),
          created: () => ordersOf(u.user.id),
          balance: () => balanceOf(w, u.user.id),
          cost: money("100"),
          breakIt: maintenance,
          brokenRefusal: "maintenance",
        };
      },
    },
    {
      name: "POST /api/wallet/deposit",
      async caller() {
        const u = await fundedUser(w, "1000");
        const reference = newRef();
        return {
          send: async (key, variant = "same") =>
            jsonAttempt(
              await w.p.request("/api/wallet/deposit", {
                method: "POST",
                token: u.token,
                json: { payment_method_id: method.id, amount: variant === "same" ? "4000" : "4001", reference },
                headers: { "Idempotency-Key": key },
              }),
            ),
          created: async () =>
            (
              await w.p.services.db
                .selectFrom("transactions")
                .select("id")
                .where("user_id", "=", u.user.id)
                .where("type", "=", "deposit")
                .where("status", "=", "pending")
                .execute()
            ).length,
          balance: () => balanceOf(w, u.user.id),
          cost: 0,
          breakIt: () => refuseInserts(w.p, "transactions", u.user.id),
          brokenRefusal: "internal_error",
        };
      },
    },
    {
      name: "POST /api/v1/orders",
      async caller() {
        const u = await fundedUser(w, "1000");
        const key = (await createKeyVia(w.p, u.token, { name: "bot", permissions: ALL_PERMISSIONS })).json.data.key as string;
        return {
          send: async (idem, variant = "same") =>
            jsonAttempt(await v1(w.p, "/orders", key, { method: "POST", json: orderFields(variant), headers: { "idempotency-key": idem } })),
          created: () => ordersOf(u.user.id),
          balance: () => balanceOf(w, u.user.id),
          cost: money("100"),
          breakIt: maintenance,
          brokenRefusal: "maintenance",
        };
      },
    },
    {
      name: "the storefront's order form",
      async caller() {
        const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
        const c = await customerOn(w, s, "1000");
        const csrf = csrfFrom((await get(w.p, s.host, "/orders/new", c.jar)).html);
        return {
          async send(key, variant = "same") {
            const f = orderFields(variant);
            const res = await post(w.p, s.host, "/orders", c.jar, {
              _csrf: csrf,
              idempotency_key: key,
              service: String(f.service_id),
              link: f.link,
              quantity: String(f.quantity),
              confirm: "yes",
            });
            await settleDispatchKicks(w.p.services);
            const uuid = /^\/orders\/([0-9a-f-]{36})$/.exec(res.res.headers.get("location") ?? "")?.[1] ?? null;
            const refusal = uuid ? null : (PAGE_REFUSALS.find(([text]) => res.html.includes(text))?.[1] ?? `page ${res.res.status}`);
            return { status: res.res.status, ok: res.res.status === 303 && uuid !== null, id: uuid, replayed: null, refusal };
          },
          created: () => ordersOf(c.user.id),
          balance: () => balanceOf(w, c.user.id),
          cost: money("150"),
          breakIt: maintenance,
          brokenRefusal: "maintenance",
        };
      },
    },
    {
      name: "the storefront's add-funds form",
      async caller() {
        const s = await siteWith(w, { resellerFunds: "0" });
        const siteMethod = await makeMethod(w.p, { siteId: s.siteId });
        const c = await customerOn(w, s);
        const csrf = csrfFrom((await get(w.p, s.host, "/funds", c.jar)).html);
        const reference = newRef();
        return {
          async send(key, variant = "same") {
            const res = await post(w.p, s.host, "/funds", c.jar, {
              _csrf: csrf,
              idempotency_key: key,
              method: siteMethod.code,
              amount: variant === "same" ? "4000" : "4001",
              reference,
              // The fee step was seen and confirmed.
              confirm: "yes",
            });
            const ok = res.res.status === 303 && res.res.headers.get("location") === "/funds?flash=deposit_created";
            const refusal = ok ? null : (PAGE_REFUSALS.find(([text]) => res.html.includes(text))?.[1] ?? `page ${res.res.status}`);
            return { status: res.res.status, ok, id: null, replayed: null, refusal };
          },
          created: async () =>
            (
              await w.p.services.db
                .selectFrom("transactions")
                .select("id")
                .where("user_id", "=", c.user.id)
                .where("type", "=", "deposit")
                .where("status", "=", "pending")
                .execute()
            ).length,
          balance: () => balanceOf(w, c.user.id),
          cost: 0,
          breakIt: () => refuseInserts(w.p, "transactions", c.user.id),
          brokenRefusal: "page 500",
        };
      },
    },
  ];

  for (const ep of entryPoints) {
    it(`${ep.name}: a retry with the same key gets the first answer back and creates once`, async () => {
      const u = await ep.caller();
      const before = await u.balance();
      const first = await u.send("same-1");
      const again = await u.send("same-1");
      expect(first).toMatchObject({ ok: true });
      expect(first.replayed).not.toBe(true);
      expect(again).toMatchObject({ ok: true, id: first.id, status: first.status });
      if (again.replayed !== null) expect(again.replayed).toBe(true);
      expect(await u.created()).toBe(1);
      expect(await u.balance()).toBe(before - u.cost);
    });

    it(`${ep.name}: the same key with another body is refused (422) and creates nothing more`, async () => {
      const u = await ep.caller();
      expect((await u.send("body-1")).ok).toBe(true);
      const other = await u.send("body-1", "other");
      expect(other).toMatchObject({ status: 422, ok: false, refusal: "idempotency_key_reused" });
      expect(await u.created()).toBe(1);
    });

    it(`${ep.name}: a key whose first request is still running answers 409`, async () => {
      const u = await ep.caller();
      const before = await u.balance();
      const both = await Promise.all([u.send("race-1"), u.send("race-1")]);
      const ok = both.filter((a) => a.ok);
      if (ok.length === 2) {
        // On a busy machine the second may only claim once the first has finished: then it gets the first's answer again.
        expect(ok[1]!.id).toBe(ok[0]!.id);
        if (ok[0]!.replayed !== null) expect(ok.filter((a) => a.replayed)).toHaveLength(1);
      } else {
        expect(ok).toHaveLength(1);
        const loser = both.find((a) => !a.ok)!;
        expect(loser.refusal).toBe("idempotency_in_flight");
        // A form re-renders every refusal as a 422 page; the JSON APIs answer 409.
        expect(loser.status).toBe(loser.replayed === null ? 422 : 409);
      }
      expect(await u.created()).toBe(1);
      expect(await u.balance()).toBe(before - u.cost);
      // Once it is done, the key replays the answer.
      expect(await u.send("race-1")).toMatchObject({ ok: true, id: ok[0]!.id });
    });

    it(`${ep.name}: a key whose attempt failed with a 5xx is released, so the retry succeeds, once`, async () => {
      const u = await ep.caller();
      const before = await u.balance();
      const repair = await u.breakIt();
      let broken: Attempt;
      try {
        broken = await u.send("retry-1");
        expect(await u.send("retry-1")).toMatchObject({ ok: false, refusal: u.brokenRefusal });
      } finally {
        await repair();
      }
      expect(broken).toMatchObject({ ok: false, refusal: u.brokenRefusal });
      expect(await u.created()).toBe(0);
      expect(await u.balance()).toBe(before);

      const retried = await u.send("retry-1");
      expect(retried).toMatchObject({ ok: true });
      expect(retried.replayed).not.toBe(true);
      expect(await u.send("retry-1")).toMatchObject({ ok: true, id: retried.id });
      expect(await u.created()).toBe(1);
      expect(await u.balance()).toBe(before - u.cost);
    });
  }

  it("POST /api/user/orders: an unexpected failure (500) releases the key too", async () => {
    const u = await fundedUser(w, "1000");
    const send = async () =>
      jsonAttempt(
        await w.p.request("/api/user/orders", { method: "POST", token: u.token, json: orderFields("same"), headers: { "Idempotency-Key": "boom-1" } }),
      );
    const repair = await refuseInserts(w.p, "orders", u.user.id);
    try {
      expect(await send()).toMatchObject({ status: 500, refusal: "internal_error" });
    } finally {
      await repair();
    }
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    expect(await send()).toMatchObject({ status: 201, replayed: false });
    expect(await ordersOf(u.user.id)).toBe(1);
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });

  it("POST /api/user/orders: a refusal (4xx) is replayed as it was, even once it would pass; a new key is a new request", async () => {
    const u = await fundedUser(w, "50");
    const send = async (key: string) =>
      jsonAttempt(await w.p.request("/api/user/orders", { method: "POST", token: u.token, json: orderFields("same"), headers: { "Idempotency-Key": key } }));
    const first = await send("short-1");
    expect(first).toMatchObject({ status: 422, refusal: "insufficient_balance", replayed: false });
    await credit(w.p.ctx(), { userId: u.user.id, amount: money("100"), type: "deposit" });
    expect(await send("short-1")).toMatchObject({ status: 422, refusal: "insufficient_balance", replayed: true });
    expect(await ordersOf(u.user.id)).toBe(0);
    expect(await send("short-2")).toMatchObject({ status: 201 });
    expect(await balanceOf(w, u.user.id)).toBe(money("50"));
  });

  it("the storefront's order form: a reseller who could not pay (503) releases the key; once funded, the same form goes through", async () => {
    const s = await siteWith(w, { resellerFunds: "50", marginBp: 5000 });
    const c = await customerOn(w, s, "1000");
    const page = await get(w.p, s.host, "/orders/new", c.jar);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(page.html)?.[1];
    assert(key, "the order form carries an idempotency key");
    const send = async () => {
      const res = await post(w.p, s.host, "/orders", c.jar, {
        _csrf: csrfFrom(page.html),
        idempotency_key: key,
        service: String(service.id),
        link: "https://instagram.com/p/later",
        quantity: "100",
        confirm: "yes",
      });
      await settleDispatchKicks(w.p.services);
      return res;
    };
    const refused = await send();
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain("Ce service est momentanément indisponible");
    await credit(w.p.ctx(), { userId: s.owner.user.id, amount: money("100"), type: "deposit" });
    const placed = await send();
    expect(placed.res.status).toBe(303);
    expect(await ordersOf(c.user.id)).toBe(1);
    expect(await balanceOf(w, c.user.id)).toBe(money("850"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("50"));
  });
});
