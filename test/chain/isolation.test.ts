import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, money, orderWorld, type World } from "../orders/support.ts";
import { dbNow } from "../../src/lib/time.ts";
import { v2 } from "../developer-api/helpers.ts";
import { customerOn, orderViaForm, siteWith, type Customer, type SiteWorld } from "./support.ts";

// Sites A and B, each with customers, orders, tickets, deposits and keys: nothing of B is reachable from A's customers.
describeEachDialect("storefront accounts across tenants", (dialect) => {
  let w: World;
  let A: SiteWorld;
  let B: SiteWorld;
  let a: Customer;
  /** The same person as `a`, with a separate account on site B (same e-mail). */
  let aOnB: Customer;
  let b: Customer;
  const of = { order: "", ticket: "", deposit: "DEP-B-123", key: "" };
  const mine = { order: "", ticket: "" };

  async function openTicket(c: Customer, subject: string): Promise<string> {
    const form = await get(w.p, c.host, "/tickets/new", c.jar);
    const res = await post(w.p, c.host, "/tickets", c.jar, { _csrf: csrfFrom(form.html), subject, category: "general", message: "Bonjour" });
    return /^\/tickets\/([0-9a-f-]{36})$/.exec(res.res.headers.get("location") ?? "")![1]!;
  }

  beforeAll(async () => {
    w = await orderWorld(dialect);
    const service = await addService(w, { rate: "1000" });
    A = await siteWith(w, { resellerFunds: "1000" });
    B = await siteWith(w, { resellerFunds: "1000" });
    const now = dbNow(w.clock);
    for (const s of [A, B]) {
      await w.p.services.db
        .insertInto("payment_methods")
        .values({
          site_id: s.siteId,
          code: "wave",
          name: "Wave",
          type: "mobile_money",
          currency: "XOF",
          min_amount: money("100"),
          is_active: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    a = await customerOn(w, A, "500", { email: "awa@example.com" });
    aOnB = await customerOn(w, B, "0", { email: "awa@example.com" });
    b = await customerOn(w, B, "500");

    of.order = (await orderViaForm(w, b, { service: String(service.id), link: "https://x.test/b", quantity: "100" })).uuid!;
    mine.order = (await orderViaForm(w, a, { service: String(service.id), link: "https://x.test/a", quantity: "100" })).uuid!;
    of.ticket = await openTicket(b, "Ticket de B");
    mine.ticket = await openTicket(a, "Ticket de A");
    const funds = await get(w.p, B.host, "/funds", b.jar);
    expect(
      (await post(w.p, B.host, "/funds", b.jar, { _csrf: csrfFrom(funds.html), method: "wave", amount: "1000", reference: of.deposit, confirm: "yes" })).res
        .status,
    ).toBe(303);
    const api = await get(w.p, B.host, "/api-access", b.jar);
    await post(w.p, B.host, "/api-access", b.jar, { _csrf: csrfFrom(api.html) });
    of.key = /id="new-key"[^>]*>(sk_[^<]+)</.exec((await get(w.p, B.host, "/api-access", b.jar)).html)![1]!;
  });
  afterAll(() => closeWorld(w));

  it("the same e-mail is two separate accounts on two sites", () => {
    expect(aOnB.user.id).not.toBe(a.user.id);
    expect([a.user.site_id, aOnB.user.site_id]).toEqual([A.siteId, B.siteId]);
  });

  it("a customer of site A gets 404 for site B's orders and tickets, on B's host and on A's host", async () => {
    for (const [c, who] of [
      [a, "a on A"],
      [aOnB, "a's account on B"],
    ] as const) {
      for (const path of [`/orders/${of.order}`, `/tickets/${of.ticket}`]) {
        expect((await get(w.p, c.host, path, c.jar)).res.status, `${who} ${path}`).toBe(404);
      }
    }
    // And a's own site-A resources do not exist on site B either.
    expect((await get(w.p, B.host, `/orders/${mine.order}`, aOnB.jar)).res.status).toBe(404);
    expect((await get(w.p, B.host, `/tickets/${mine.ticket}`, aOnB.jar)).res.status).toBe(404);
  });

  it("form actions on another tenant's order or ticket answer 404 and change nothing", async () => {
    const page = await get(w.p, A.host, "/orders/new", a.jar);
    const csrf = csrfFrom(page.html);
    for (const path of [`/orders/${of.order}/cancel`, `/orders/${of.order}/refill`, `/tickets/${of.ticket}/close`]) {
      expect((await post(w.p, A.host, path, a.jar, { _csrf: csrf })).res.status, path).toBe(404);
    }
    expect((await post(w.p, A.host, `/tickets/${of.ticket}/reply`, a.jar, { _csrf: csrf, message: "intrus" })).res.status).toBe(404);
    const messages = await w.p.services.db
      .selectFrom("ticket_messages")
      .innerJoin("tickets", "tickets.id", "ticket_messages.ticket_id")
      .select("ticket_messages.message")
      .where("tickets.uuid", "=", of.ticket)
      .execute();
    expect(messages.map((m) => m.message)).toEqual(["Bonjour"]);
    expect((await w.p.services.db.selectFrom("tickets").select("status").where("uuid", "=", of.ticket).executeTakeFirstOrThrow()).status).toBe("open");
    expect(await balanceOf(w, b.user.id)).toBe(money("350"));
  });

  it("lists show only the customer's own orders, tickets and deposits on that site", async () => {
    for (const path of ["/orders", "/account", "/tickets", "/funds"]) {
      const html = (await get(w.p, A.host, path, a.jar)).html;
      expect(html, path).not.toContain(of.order);
      expect(html, path).not.toContain(of.ticket);
      expect(html, path).not.toContain(of.deposit);
      const onB = (await get(w.p, B.host, path, aOnB.jar)).html;
      expect(onB, path).not.toContain(of.order);
      expect(onB, path).not.toContain(of.deposit);
      expect(onB, path).not.toContain(mine.order);
    }
    expect((await get(w.p, B.host, "/funds", b.jar)).html).toContain(of.deposit);
  });

  it("an API key of site B is unknown on site A and on the platform; B's API page never shows it to others", async () => {
    expect((await v2(w.p, { key: of.key, action: "balance" }, { host: B.host })).json).toEqual({ balance: "350.00", currency: "XOF" });
    expect((await v2(w.p, { key: of.key, action: "balance" }, { host: A.host })).json).toEqual({ error: "Invalid API key" });
    expect((await v2(w.p, { key: of.key, action: "balance" })).json).toEqual({ error: "Invalid API key" });
    expect((await get(w.p, B.host, "/api-access", aOnB.jar)).html).not.toContain(of.key.slice(0, 7));
  });

  it("a session cookie of site A does not authenticate on site B", async () => {
    const stolen = new Jar();
    for (const [k, v] of a.jar.cookies) stolen.cookies.set(k, v);
    const res = await get(w.p, B.host, "/account", stolen);
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get("location")).toMatch(/^\/login\?next=/);
    expect((await get(w.p, B.host, `/orders/${mine.order}`, stolen)).res.status).toBe(303);
    expect(a.jar.raw.some((line) => /domain=/i.test(line))).toBe(false);
    await expectLedgerHolds(w);
  });
});
