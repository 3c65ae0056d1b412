import { assert, describe, expect, it } from "vitest";
import { startSimProvider } from "../../src/provider-sim/server.ts";
import { post, postRaw, useSimProvider } from "./harness.ts";

const timedOut = (err: unknown) => err instanceof DOMException && err.name === "TimeoutError";

describe("injected faults", () => {
  const provider = useSimProvider();
  const balanceCall = () => ({ key: provider().apiKey, action: "balance" });

  it("delays answers by the latency asked for, only on the chosen action", async () => {
    const { sim, url } = provider();
    sim.setFault({ action: "balance", kind: "latency", ms: 250 });
    let started = performance.now();
    expect(await post(url, balanceCall())).toMatchObject({ currency: "USD" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    started = performance.now();
    await provider().call("services");
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("answers HTTP 500 for the next N calls, then recovers", async () => {
    provider().sim.setFault({ kind: "http500", times: 2 });
    expect((await postRaw(provider().url, balanceCall())).status).toBe(500);
    expect((await postRaw(provider().url, balanceCall())).status).toBe(500);
    expect(await post(provider().url, balanceCall())).toMatchObject({ currency: "USD" });
  });

  it("hangs until the client's timeout fires", async () => {
    provider().sim.setFault({ action: "status", kind: "hang", times: 1 });
    const request = post(provider().url, { key: provider().apiKey, action: "status", order: 1 }, AbortSignal.timeout(200));
    await expect(request).rejects.toSatisfy(timedOut);
    expect(await provider().call("status", { order: 1 })).toEqual({ error: "Incorrect order ID" });
  });

  it("answers an error body with HTTP 200, with the message asked for or a default", async () => {
    provider().sim.setFault({ kind: "error", message: "API is under maintenance", times: 1 });
    provider().sim.setFault({ kind: "error", times: 1 });
    const res = await postRaw(provider().url, balanceCall());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error: "API is under maintenance" });
    expect(await post(provider().url, balanceCall())).toEqual({ error: "Service temporarily unavailable" });
  });

  it("answers a malformed JSON body", async () => {
    provider().sim.setFault({ action: "services", kind: "badjson" });
    const res = await postRaw(provider().url, { key: provider().apiKey, action: "services" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it("creates the order but never answers add under acceptThenHang", async () => {
    const { sim, url, apiKey } = provider();
    const { service } = sim.addService({ name: "Views", rate: "1", min: 10, max: 1000 });
    sim.setFault({ action: "add", kind: "acceptThenHang", times: 1 });
    const fields = { key: apiKey, action: "add", service, link: "https://x.test/lost", quantity: 500 };
    await expect(post(url, fields, AbortSignal.timeout(200))).rejects.toSatisfy(timedOut);
    const [order] = sim.orderIds();
    assert(order !== undefined, "the hung order was recorded");
    expect(await provider().call("status", { order })).toMatchObject({ status: "Pending", remains: "500" });
    expect((await provider().call("balance")).balance).toBe("999.50000");
  });

  it("applies queued faults in the order they were set and leaves other actions alone", async () => {
    const { sim } = provider();
    sim.setFault({ action: "balance", kind: "error", message: "first", times: 1 });
    sim.setFault({ action: "balance", kind: "http500", times: 1 });
    expect((await provider().call("services")).length).toBeGreaterThan(0);
    expect(await post(provider().url, balanceCall())).toEqual({ error: "first" });
    expect((await postRaw(provider().url, balanceCall())).status).toBe(500);
    expect(sim.listFaults()).toEqual([]);
  });

  it("stops misbehaving once faults are cleared", async () => {
    provider().sim.setFault({ kind: "http500" });
    expect((await postRaw(provider().url, balanceCall())).status).toBe(500);
    expect(provider().sim.clearFaults()).toBe(1);
    expect(await post(provider().url, balanceCall())).toMatchObject({ currency: "USD" });
  });

  it("refuses an unknown fault kind", () => {
    expect(() => provider().sim.setFault({ kind: "explode" as never })).toThrow(/Incorrect fault/);
  });

  it("takes faults, clock steps and outcomes over the admin endpoint", async () => {
    const admin = provider().url.replace(/\/api\/v2$/, "/__sim");
    const send = (method: string, path: string, body?: unknown) =>
      fetch(admin + path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

    const created = await send("POST", "/faults", { action: "balance", kind: "error", message: "from admin" });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: expect.any(Number) });
    expect(await (await send("GET", "/faults")).json()).toMatchObject([{ action: "balance", kind: "error" }]);
    expect(await post(provider().url, balanceCall())).toEqual({ error: "from admin" });
    expect(await (await send("DELETE", "/faults")).json()).toEqual({ cleared: 1 });
    expect(await post(provider().url, balanceCall())).toMatchObject({ currency: "USD" });
    expect((await send("POST", "/faults", { kind: "teapot" })).status).toBe(400);

    const { service } = provider().sim.addService({ name: "Views", rate: "1", min: 10, max: 1000 });
    const { order } = await provider().call("add", { service, link: "https://x.test/admin", quantity: 100 });
    expect((await send("POST", `/orders/${order}/outcome`, { status: "Partial", remains: 40 })).status).toBe(200);
    expect(await (await send("POST", "/advance", { ms: 60 * 60_000 })).json()).toEqual({ now: expect.any(Number) });
    expect(await provider().call("status", { order })).toMatchObject({ status: "Partial", remains: "40" });
  });
});

describe("stopping the provider", () => {
  it("closes promptly while a request hangs", async () => {
    const p = await startSimProvider();
    p.sim.setFault({ kind: "hang", times: 1 });
    const hanging = post(p.url, { key: p.apiKey, action: "balance" }).then(
      () => "answered",
      () => "failed",
    );
    while (p.sim.listFaults().length > 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await p.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hanging).toBe("failed");
  });

  it("frees its port so that a new provider can take it", async () => {
    const first = await startSimProvider();
    const port = Number(new URL(first.url).port);
    await first.close();
    const second = await startSimProvider({ port });
    expect(second.url).toBe(first.url);
    await second.close();
  });
});
