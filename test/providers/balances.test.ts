import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds, fund } from "../harness/money.ts";
import { decode, startSmtp } from "../harness/smtp.ts";
import { ALL_PERMISSIONS, createKeyVia, v2 } from "../developer-api/helpers.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { JOBS } from "../../src/app/jobs.ts";
import { providerBalancesJob } from "../../src/providers/balances.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { simWithRow, type SimProvider } from "./support.ts";

describeEachDialect("provider balances on a schedule", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let providerId: number;
  let admin: Awaited<ReturnType<typeof signUp>>;
  let buyer: Awaited<ReturnType<typeof signUp>>;
  let key: string;

  const readBalances = async () => {
    const ran = await runJobOnce(p.services, providerBalancesJob);
    await p.services.mailer.flush();
    return ran;
  };
  const notices = (type: string) =>
    p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", admin.user.id).where("type", "=", type).execute();
  const mailsAbout = (text: string) => smtp.inbox.filter((m) => m.to.includes(admin.user.email) && decode(m.raw).includes(text));
  const adminView = async () =>
    (await body(await p.request("/api/admin/services/providers", { token: admin.token }))).data.find((x: { id: number }) => x.id === providerId);
  const webIds = async () => (await body(await p.request("/api/services?per_page=500"))).data.map((s: { id: number }) => s.id);

  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" });
    ({ sim, providerId } = await simWithRow(p));
    admin = await signUpAdmin(p);
    await p.services.db.updateTable("users").set({ language: "en" }).where("id", "=", admin.user.id).execute();
    buyer = await signUp(p);
    await fund(p, buyer.user.id, "50000");
    key = (await createKeyVia(p, buyer.token, { name: "panel", permissions: ALL_PERMISSIONS })).json.data.key;
    const synced = await p.request("/api/admin/services/sync", { method: "POST", token: admin.token, json: { provider_id: providerId } });
    expect(synced.status).toBe(200);
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await sim.close();
    await p.close();
    await smtp.close();
  });

  it("is a scheduled job and a CLI command that stores the balance, its currency and the time it was read", async () => {
    expect(JOBS.map((j) => j.name)).toContain("smm:provider-balances");
    sim.sim.setBalance("1000");
    const ran = await readBalances();
    expect(ran?.result).toMatchObject({
      read: [{ provider_id: providerId, balance: 1_000_000_000, currency: "USD", low: false, currency_mismatch: false }],
      failed: [],
    });
    const view = await adminView();
    expect(view).toMatchObject({
      balance: "1000.00",
      balance_currency: "USD",
      balance_low: false,
      low_balance_threshold: null,
      selling: true,
      not_selling_reason: null,
    });
    expect(view.balance_checked_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The platform-wide 50,000 XOF at 600 XOF per USD.
    expect(view.effective_low_balance_threshold).toBe("83.333333");
  });

  it("below the threshold, the admins are told once per crossing, in-app and by e-mail", async () => {
    const put = await p.request(`/api/admin/services/providers/${providerId}`, { method: "PUT", token: admin.token, json: { low_balance_threshold: "500" } });
    expect((await body(put)).data).toMatchObject({ low_balance_threshold: "500.00", effective_low_balance_threshold: "500.00" });

    sim.sim.setBalance("120.5");
    await readBalances();
    await readBalances();
    expect(await notices("provider_low_balance")).toHaveLength(1);
    expect((await notices("provider_low_balance"))[0]!.title).toBe("Low balance at Test provider");
    expect(mailsAbout("Low balance at Test provider")).toHaveLength(1);
    expect((await adminView()).balance_low).toBe(true);

    sim.sim.setBalance("900");
    await readBalances();
    expect((await adminView()).balance_low).toBe(false);
    sim.sim.setBalance("100");
    await readBalances();
    expect(await notices("provider_low_balance")).toHaveLength(2);
    expect(mailsAbout("Low balance at Test provider")).toHaveLength(2);
  });

  it("a balance in another currency stops selling its services and tells the admins, until it matches again", async () => {
    const listed = await webIds();
    expect(listed.length).toBeGreaterThan(0);
    sim.sim.setBalance("1000");
    sim.sim.setCurrency("EUR");
    await readBalances();
    await readBalances();

    expect(await notices("provider_currency_mismatch")).toHaveLength(1);
    expect(mailsAbout("Check Test provider's currency")).toHaveLength(1);
    expect(await adminView()).toMatchObject({ balance_currency: "EUR", selling: false, not_selling_reason: "currency_mismatch" });
    expect(await webIds()).toEqual([]);
    expect((await v2(p, { key, action: "services" })).json).toEqual([]);
    const before = await balanceOf(p, buyer.user.id);
    const refused = await p.request("/api/user/orders", {
      method: "POST",
      token: buyer.token,
      json: { service_id: listed[0], link: "https://instagram.com/p/abc", quantity: 100 },
    });
    expect(refused.status).toBe(422);
    expect(await balanceOf(p, buyer.user.id)).toBe(before);

    sim.sim.setCurrency("USD");
    await readBalances();
    expect(await adminView()).toMatchObject({ balance_currency: "USD", selling: true });
    expect(await webIds()).toEqual(listed);
    await expectLedgerHolds(p);
  });

  it("correcting the provider's currency also resumes selling, at the new currency's rate", async () => {
    sim.sim.setCurrency("EUR");
    await readBalances();
    expect((await adminView()).selling).toBe(false);
    const put = await p.request(`/api/admin/services/providers/${providerId}`, { method: "PUT", token: admin.token, json: { currency: "EUR" } });
    expect((await body(put)).data).toMatchObject({ currency: "EUR", exchange_rate: "655.957", selling: true });
    expect((await webIds()).length).toBeGreaterThan(0);
    sim.sim.setCurrency("USD");
  });
});
