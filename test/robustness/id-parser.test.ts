import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { api, customerOf, resellerSite, whiteLabelPlatform, type Reseller } from "../reseller/helpers.ts";

/** The spellings of a number that are not plain digits: each must be refused wherever an id or a query number is read. */
const lookalikes = (n: number) => [`${n}e0`, `0x${n.toString(16)}`, `${n}.0`, ` ${n}`, `+${n}`];
const path = (raw: string) => encodeURIComponent(raw);
const query = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

// One id parser (src/core/validate.ts readId) behind every path id, body id and query number.
describeEachDialect("one id parser for paths, bodies and queries", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  let user: Awaited<ReturnType<typeof signUp>>;
  let r: Reseller;
  let customerId: number;
  let ticketUuid: string;

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    admin = await signUpAdmin(p);
    user = await signUp(p);
    r = await resellerSite(p);
    customerId = (await customerOf(p, r)).id;
    const opened = await p.request("/api/tickets", { method: "POST", token: user.token, json: { subject: "Ids", message: "Which ids do you read?" } });
    expect(opened.status).toBe(201);
    ticketUuid = (await body(opened)).data.uuid;
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
  });

  it("an admin's user path id: plain digits find the user, 1e0, 0x1, 1.0, ' 1' and +1 are a 404", async () => {
    const get = (raw: string) => p.request(`/api/admin/users/${path(raw)}`, { token: admin.token });
    expect((await get(String(user.user.id))).status).toBe(200);
    for (const raw of lookalikes(user.user.id)) {
      const res = await get(raw);
      expect(res.status, JSON.stringify(raw)).toBe(404);
      expect((await body(res)).error.code).toBe("not_found");
    }
  });

  it("a reseller's customer path id: plain digits find the customer, look-alikes are a 404", async () => {
    const get = (raw: string) => p.request(api(r, `/customers/${path(raw)}`), { token: r.token });
    expect((await get(String(customerId))).status).toBe(200);
    for (const raw of lookalikes(customerId)) expect((await get(raw)).status, JSON.stringify(raw)).toBe(404);
  });

  it("an id in a JSON body: digits or a JSON integer are read, look-alikes and fractions are a 422 on the field", async () => {
    const assign = (admin_id: unknown) =>
      p.request(`/api/admin/support/tickets/${ticketUuid}/assign`, { method: "POST", token: admin.token, json: { admin_id } });
    for (const good of [String(admin.user.id), admin.user.id]) {
      const res = await assign(good);
      expect(res.status, JSON.stringify(good)).toBe(200);
      expect((await body(res)).data.assigned_to.id).toBe(admin.user.id);
    }
    for (const raw of [...lookalikes(admin.user.id), admin.user.id + 0.5, true, [admin.user.id]]) {
      const res = await assign(raw);
      expect(res.status, JSON.stringify(raw)).toBe(422);
      expect(Object.keys((await body(res)).error.details)).toEqual(["admin_id"]);
    }
  });

  it("query numbers (user_id, page, per_page, level, days) accept plain digits only: look-alikes are a 422 on the parameter", async () => {
    const cases: { url: (v: string) => string; token: string; field: string; value: number }[] = [
      { url: (v) => `/api/admin/orders${query({ user_id: v })}`, token: admin.token, field: "user_id", value: user.user.id },
      { url: (v) => `/api/admin/users${query({ page: v })}`, token: admin.token, field: "page", value: 1 },
      { url: (v) => `/api/admin/support/tickets${query({ per_page: v })}`, token: admin.token, field: "per_page", value: 5 },
      { url: (v) => `/api/referrals/list${query({ level: v })}`, token: user.token, field: "level", value: 1 },
      { url: (v) => `/api/admin/dashboard/revenue-chart${query({ days: v })}`, token: admin.token, field: "days", value: 7 },
    ];
    for (const c of cases) {
      expect((await p.request(c.url(String(c.value)), { token: c.token })).status, c.url(String(c.value))).toBe(200);
      for (const raw of lookalikes(c.value)) {
        const res = await p.request(c.url(raw), { token: c.token });
        expect(res.status, c.url(raw)).toBe(422);
        expect(Object.keys((await body(res)).error.details), c.url(raw)).toEqual([c.field]);
      }
    }
  });
});
