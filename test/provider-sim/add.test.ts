import { describe, expect, it } from "vitest";
import { formatAmount, type ServiceType } from "../../src/provider-sim/catalog.ts";
import { post, useSimProvider } from "./harness.ts";

describe("add action", () => {
  const provider = useSimProvider({ balance: "100" });

  const serviceOfType = (type: ServiceType) => {
    const found = provider()
      .sim.listServices()
      .find((s) => s.type === type);
    if (!found) throw new Error(`no ${type} service in the catalogue`);
    return found;
  };
  const followers = () => provider().sim.addService({ name: "Followers", rate: "2.5", min: 10, max: 1000, dripfeed: true, cancel: true });

  it("creates a Default order and charges rate × quantity / 1000", async () => {
    const service = followers();
    const answer = await provider().call("add", { service: service.service, link: "https://instagram.com/a", quantity: 400 });
    expect(answer).toEqual({ order: expect.any(Number) });
    const status = await provider().call("status", { order: answer.order });
    expect(status.charge).toBe("1.00000");
    expect(await provider().call("balance")).toEqual({ balance: "99.00000", currency: "USD" });
  });

  it("refuses an unknown service", async () => {
    expect(await provider().call("add", { service: 999_999, link: "https://x.test", quantity: 100 })).toEqual({
      error: "Incorrect service ID",
    });
    expect(await provider().call("add", { link: "https://x.test", quantity: 100 })).toEqual({ error: "Incorrect service ID" });
  });

  it("refuses a quantity outside the service's min and max", async () => {
    const { service } = followers();
    const link = "https://instagram.com/a";
    expect(await provider().call("add", { service, link, quantity: 9 })).toEqual({ error: "Quantity less than minimal 10" });
    expect(await provider().call("add", { service, link, quantity: 1001 })).toEqual({ error: "Quantity more than maximal 1000" });
    expect(await provider().call("add", { service, link, quantity: "ten" })).toEqual({ error: "Incorrect quantity" });
  });

  it("refuses an order without a link", async () => {
    const { service } = followers();
    expect(await provider().call("add", { service, quantity: 100 })).toEqual({ error: "Incorrect link" });
  });

  it("refuses a bad key and an unknown action", async () => {
    const { url, apiKey } = provider();
    expect(await post(url, { key: "wrong", action: "balance" })).toEqual({ error: "Invalid API key" });
    expect(await post(url, { action: "balance" })).toEqual({ error: "Invalid API key" });
    expect(await post(url, { key: apiKey, action: "steal" })).toEqual({ error: "Incorrect request" });
    expect(await post(url, { key: apiKey })).toEqual({ error: "Incorrect request" });
  });

  it("answers errors with HTTP 200, like real panels", async () => {
    const res = await fetch(provider().url, { method: "POST", body: new URLSearchParams({ key: "wrong", action: "add" }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  it("refuses an order the balance cannot pay", async () => {
    const { service } = provider().sim.addService({ name: "Costly", rate: "500", min: 100, max: 1000 });
    expect(await provider().call("add", { service, link: "https://x.test", quantity: 500 })).toEqual({
      error: "Not enough funds on balance",
    });
  });

  it("takes drip-feed runs on drip-feed services and charges the total", async () => {
    const { service } = followers();
    const { order } = await provider().call("add", { service, link: "https://x.test/p", quantity: 100, runs: 5, interval: 30 });
    expect(provider().sim.getOrder(order)).toMatchObject({ quantity: 500, runs: 5, interval: 30, charge: "1.25000" });
    expect(await provider().call("add", { service, link: "https://x.test/p", quantity: 300, runs: 4, interval: 30 })).toEqual({
      error: "Quantity more than maximal 1000",
    });
  });

  it("refuses drip-feed on a service without it", async () => {
    const { service } = provider().sim.addService({ name: "No drip", rate: "1", min: 10, max: 1000 });
    expect(await provider().call("add", { service, link: "https://x.test", quantity: 100, runs: 2, interval: 10 })).toEqual({
      error: "Drip-feed is not available for this service",
    });
  });

  it("counts Custom Comments by their lines and needs them", async () => {
    const service = serviceOfType("Custom Comments");
    const comments = Array.from({ length: service.min + 2 }, (_, i) => `Nice post ${i}`).join("\n");
    const { order } = await provider().call("add", { service: service.service, link: "https://x.test/c", comments });
    expect(provider().sim.getOrder(order)?.quantity).toBe(service.min + 2);
    expect(await provider().call("add", { service: service.service, link: "https://x.test/c" })).toEqual({
      error: "Incorrect comments",
    });
  });

  it("orders a Package with only a link and charges its price", async () => {
    const service = serviceOfType("Package");
    const { order } = await provider().call("add", { service: service.service, link: "https://x.test/pkg" });
    const snapshot = provider().sim.getOrder(order);
    expect(snapshot?.quantity).toBe(1);
    expect(snapshot?.charge).toBe(formatAmount(service.rate));
  });

  it.each([
    ["Mentions with Hashtags", { quantity: "min", usernames: "alice\nbob", hashtags: "#a\n#b" }, "hashtags"],
    ["Mentions Hashtag", { quantity: "min", hashtag: "#sale" }, "hashtag"],
    ["Mentions User Followers", { quantity: "min", username: "alice" }, "username"],
    ["Mentions Media Likers", { quantity: "min", media: "https://instagram.com/p/x" }, "media"],
    ["Comment Likes", { quantity: "min", username: "alice" }, "username"],
    ["Poll", { quantity: "min", answer_number: "2" }, "answer_number"],
  ] as const)("orders %s with its own fields and refuses it without them", async (type, fields, required) => {
    const service = serviceOfType(type);
    const complete: Record<string, string | number> = { service: service.service, link: "https://x.test/m" };
    for (const [name, value] of Object.entries(fields)) complete[name] = value === "min" ? service.min : value;
    expect(await provider().call("add", complete)).toEqual({ order: expect.any(Number) });
    const { [required]: _dropped, ...incomplete } = complete;
    expect(await provider().call("add", incomplete)).toEqual({ error: `Incorrect ${required}` });
  });

  it("counts a Mentions Custom List by its usernames", async () => {
    const service = serviceOfType("Mentions Custom List");
    const usernames = Array.from({ length: service.min }, (_, i) => `user${i}`).join("\n");
    const { order } = await provider().call("add", { service: service.service, link: "https://x.test/l", usernames });
    expect(provider().sim.getOrder(order)?.quantity).toBe(service.min);
  });

  it("orders a Subscription by username with min, max, posts, delay and expiry", async () => {
    const service = serviceOfType("Subscriptions");
    const fields = {
      service: service.service,
      username: "alice",
      min: service.min,
      max: service.min * 2,
      posts: 3,
      delay: 30,
      expiry: "31/12/2030",
    };
    const { order } = await provider().call("add", fields);
    expect(provider().sim.getOrder(order)?.extra).toMatchObject({ username: "alice", posts: "3", delay: "30" });
    expect(await provider().call("add", { ...fields, delay: 7 })).toEqual({ error: "Incorrect delay" });
    expect(await provider().call("add", { ...fields, username: "" })).toEqual({ error: "Incorrect username" });
    expect(await provider().call("add", { ...fields, min: service.min - 1 })).toEqual({
      error: `Quantity less than minimal ${service.min}`,
    });
  });

  it("accepts the same order as multipart and as JSON", async () => {
    const { url, apiKey } = provider();
    const { service } = followers();
    const form = new FormData();
    for (const [k, v] of Object.entries({ key: apiKey, action: "add", service, link: "https://x.test/f", quantity: 50 })) {
      form.append(k, String(v));
    }
    expect(await (await fetch(url, { method: "POST", body: form })).json()).toEqual({ order: expect.any(Number) });
    const json = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: apiKey, action: "add", service, link: "https://x.test/j", quantity: 50 }),
    });
    expect(await json.json()).toEqual({ order: expect.any(Number) });
  });

  it("keeps existing orders working after their service is removed", async () => {
    const { service } = followers();
    const { order } = await provider().call("add", { service, link: "https://x.test/r", quantity: 100 });
    provider().sim.removeService(service);
    expect((await provider().call("status", { order })).status).toBe("Pending");
    expect(await provider().call("add", { service, link: "https://x.test/r", quantity: 100 })).toEqual({
      error: "Incorrect service ID",
    });
  });
});
