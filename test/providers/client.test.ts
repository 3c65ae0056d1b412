import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { providerClient, ProviderError, type ProviderTarget } from "../../src/providers/client.ts";
import { deadUrl, SECRET_KEY, simWithRow, type SimProvider } from "./support.ts";

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describeEachDialect("provider client against the simulated provider", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let target: ProviderTarget;
  const client = (opts = {}) => providerClient(p.ctx(), target, { timeoutMs: 400, retries: 0, retryDelayMs: 5, ...opts });
  const logsOf = (action: string) =>
    p.services.db.selectFrom("provider_logs").selectAll().where("provider_id", "=", target.id).where("action", "=", action).orderBy("id").execute();

  beforeAll(async () => {
    p = await makePlatform(dialect);
    ({ sim, target } = await simWithRow(p));
    sim.sim.setOutcomeShares({ partial: 0, canceled: 0 });
  });
  afterEach(() => {
    sim.sim.clearFaults();
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  it("reads the catalogue with typed rates and bounds", async () => {
    const services = await client().services();
    expect(services.length).toBeGreaterThan(100);
    const first = services[0]!;
    expect(first.service).toMatch(/^\d+$/);
    expect(Number.isInteger(first.rate) && first.rate! > 0).toBe(true);
    expect(first.min).toBeGreaterThanOrEqual(1);
    expect(first.max).toBeGreaterThanOrEqual(first.min);
  });

  it("an HTTP 500 without an answer is unknown: the panel may have acted", async () => {
    sim.sim.setFault({ action: "balance", kind: "http500" });
    const err = await failure(client().balance());
    expect(err.kind).toBe("unknown");
    expect(err.httpStatus).toBe(500);
  });

  it("an error answer about the request is definite; one about the provider blocks it", async () => {
    sim.sim.setFault({ action: "balance", kind: "error", message: "Incorrect request", times: 1 });
    const err = await failure(client().balance());
    expect(err.kind).toBe("definite");
    expect(err.message).toBe("Incorrect request");
    sim.sim.setFault({ action: "balance", kind: "error", message: "API is under maintenance", times: 1 });
    expect(await failure(client().balance())).toMatchObject({ kind: "blocked", blockCause: "maintenance", message: "API is under maintenance" });
  });

  it("a wrong key blocks the provider: no order can go through it", async () => {
    const err = await failure(providerClient(p.ctx(), { ...target, apiKey: "wrong-key-0000" }).balance());
    expect(err.kind).toBe("blocked");
    expect(err.blockCause).toBe("key");
    expect(err.message).toMatch(/key/i);
  });

  it("a provider that never answers is unknown after the timeout", async () => {
    sim.sim.setFault({ action: "status", kind: "hang" });
    const started = performance.now();
    const err = await failure(client({ timeoutMs: 250 }).status("1001"));
    expect(err.kind).toBe("unknown");
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("an order accepted without an answer is unknown, and the provider did create it", async () => {
    const service = sim.sim.addService({ name: "Lost answers", rate: "1", min: 10, max: 1000 });
    sim.sim.setFault({ action: "add", kind: "acceptThenHang" });
    const before = sim.sim.orderIds().length;
    const err = await failure(client({ timeoutMs: 250 }).add({ service: service.service, link: "https://x.test/a", quantity: 100 }));
    expect(err.kind).toBe("unknown");
    expect(sim.sim.orderIds().length).toBe(before + 1);
  });

  it("malformed JSON on a 200 is unknown", async () => {
    sim.sim.setFault({ action: "services", kind: "badjson" });
    expect((await failure(client().services())).kind).toBe("unknown");
  });

  it("a refused connection is transient", async () => {
    const err = await failure(providerClient(p.ctx(), { ...target, url: await deadUrl() }, { retries: 0 }).balance());
    expect(err.kind).toBe("transient");
  });

  it("retries a read-only call after transient failures, with a log row per attempt", async () => {
    const before = (await logsOf("balance")).length;
    sim.sim.setFault({ action: "balance", kind: "http500", times: 2 });
    const answer = await client({ retries: 2 }).balance();
    expect(answer.currency).toBe("USD");
    const rows = (await logsOf("balance")).slice(before);
    expect(rows.map((r) => r.http_status)).toEqual([500, 500, 200]);
  });

  it("never retries an add, even after a transient failure", async () => {
    const service = sim.sim.addService({ name: "Once only", rate: "1", min: 10, max: 1000 });
    const before = (await logsOf("add")).length;
    const orders = sim.sim.orderIds().length;
    sim.sim.setFault({ action: "add", kind: "cf521", times: 1 });
    const err = await failure(client({ retries: 3 }).add({ service: service.service, link: "https://x.test/b", quantity: 100 }));
    expect(err.kind).toBe("transient");
    expect((await logsOf("add")).length).toBe(before + 1);
    expect(sim.sim.orderIds().length).toBe(orders);
  });

  it("places orders and reads their statuses one by one and in batches", async () => {
    const service = sim.sim.addService({ name: "Status checks", rate: "2", min: 10, max: 10_000, refill: true, cancel: true });
    const c = client();
    const ours = await insertOrderRow(p, (await signUp(p)).user.id);
    const { order: done } = await c.add({ service: service.service, link: "https://x.test/c", quantity: 1000 }, { orderId: ours.id });
    const { order: cut } = await c.add({ service: service.service, link: "https://x.test/partial", quantity: 1000 });
    const { order: waiting } = await c.add({ service: service.service, link: "https://x.test/d", quantity: 500 });
    expect((await c.status(done)).status).toBe("pending");
    expect((await c.cancel([waiting, "999999"])).map((r) => r.ok)).toEqual([true, false]);

    sim.sim.advance(3_600_000);
    const batch = await c.statuses([done, cut, waiting, "999999"]);
    expect(batch.get(done)).toMatchObject({ status: "completed", remains: 0 });
    expect(batch.get(cut)).toMatchObject({ status: "partial" });
    expect((batch.get(cut) as { remains: number }).remains).toBeGreaterThan(0);
    expect(batch.get(waiting)).toMatchObject({ status: "canceled" });
    expect(batch.get("999999")).toEqual({ error: "Incorrect order ID" });

    const { refill } = await c.refill(done);
    expect((await c.refillStatus(refill)).status).toBe("pending");
    const logged = await logsOf("add");
    expect(logged.some((r) => r.order_id === ours.id)).toBe(true);
  });

  it("refuses batches over 100 orders without calling the provider", async () => {
    await expect(client().statuses(Array.from({ length: 101 }, (_, i) => String(i + 1)))).rejects.toThrow(RangeError);
  });

  it("never writes the provider key into provider_logs", async () => {
    sim.sim.setFault({ action: "balance", kind: "error", message: `bad key ${SECRET_KEY}`, times: 1 });
    await failure(client().balance());
    const rows = await p.services.db.selectFrom("provider_logs").selectAll().where("provider_id", "=", target.id).execute();
    expect(rows.length).toBeGreaterThan(5);
    expect(JSON.stringify(rows)).not.toContain(SECRET_KEY);
    for (const r of rows) expect(JSON.parse(r.request).key).toBe("[redacted]");
    const echoed = rows.find((r) => r.response?.includes("bad key"));
    expect(echoed?.response).toContain("[redacted]");
  });
});
