import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { addService, balanceOf, closeWorld, fundedUser, orderWorld, place, type World } from "./support.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";

// Nothing is coerced into an order: a boolean is not service 1 and "1e3" is not 1000 units.
describeEachDialect("order fields are taken as they are", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  it("refuses booleans, lists and exponents as ids and quantities, charging nothing", async () => {
    const service = await addService(w, { rate: "1000", min: 10, max: 10_000 });
    const u = await fundedUser(w, "10000");
    const before = await balanceOf(w, u.user.id);
    const bad = [
      [{ service_id: true, link: "https://x.test/a", quantity: 100 }, "service_id"],
      [{ service_id: [service.id], link: "https://x.test/a", quantity: 100 }, "service_id"],
      [{ service_id: service.id, link: "https://x.test/a", quantity: "1e3" }, "quantity"],
      [{ service_id: service.id, link: "https://x.test/a", quantity: true }, "quantity"],
      [{ service_id: service.id, link: "https://x.test/a", quantity: [100] }, "quantity"],
      [{ service_id: service.id, link: "https://x.test/a", quantity: 100.5 }, "quantity"],
    ] as const;
    for (const [json, field] of bad) {
      const r = await place(w, u.token, json as Record<string, unknown>);
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(r.body.error.details[field], JSON.stringify(json)).toBeDefined();
    }
    expect(await balanceOf(w, u.user.id)).toBe(before);
    const ok = await place(w, u.token, { service_id: String(service.id), link: "https://x.test/a", quantity: "100" });
    expect(ok.status).toBe(201);
    expect(await ledgerViolations(w.p.ctx())).toEqual([]);
  });
});

describeEachDialect("order search takes % and _ literally", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  it("finds the order whose link contains the typed text, not every order", async () => {
    const service = await addService(w, { rate: "1000", min: 10, max: 10_000 });
    const u = await fundedUser(w, "10000");
    for (const link of ["https://x.test/100%_off", "https://x.test/1000-off"]) {
      expect((await place(w, u.token, { service_id: service.id, link, quantity: 100 })).status).toBe(201);
    }
    const res = await w.p.request(`/api/user/orders?search=${encodeURIComponent("100%_")}`, { token: u.token });
    const found = (await res.json()) as { data: { link: string }[] };
    expect(found.data.map((o) => o.link)).toEqual(["https://x.test/100%_off"]);
  });
});
