import { assert, describe, expect, it } from "vitest";
import { PLATFORMS, SERVICE_TYPES } from "../../src/provider-sim/catalog.ts";
import { startSimProvider } from "../../src/provider-sim/server.ts";
import { post, useSimProvider } from "./harness.ts";

describe("services action", () => {
  const provider = useSimProvider();

  it("lists at least 150 services across the major platforms in panel-style categories", async () => {
    const services: any[] = await provider().call("services");
    expect(services.length).toBeGreaterThanOrEqual(150);
    const categories = new Set(services.map((s) => s.category));
    for (const platform of ["Instagram", "TikTok", "YouTube", "Facebook", "Telegram", "Twitter", "Spotify", "Twitch"]) {
      expect(
        services.some((s) => s.category.startsWith(platform)),
        platform,
      ).toBe(true);
    }
    for (const category of ["Instagram Followers", "TikTok Views", "YouTube Likes", "Telegram Members"]) {
      expect(categories.has(category), category).toBe(true);
    }
    expect(PLATFORMS.length).toBeGreaterThanOrEqual(8);
  });

  it("offers every service type, with Default the most common", async () => {
    const services: any[] = await provider().call("services");
    const types = services.map((s) => s.type);
    for (const type of SERVICE_TYPES) expect(types, type).toContain(type);
    const defaults = types.filter((t) => t === "Default").length;
    expect(defaults).toBeGreaterThan(services.length / 2);
  });

  it("answers each service in the API v2 shape with string rates of at most 5 decimals", async () => {
    const services: any[] = await provider().call("services");
    for (const s of services) {
      expect(Object.keys(s).sort()).toEqual(["cancel", "category", "dripfeed", "max", "min", "name", "rate", "refill", "service", "type"].sort());
      expect(typeof s.service).toBe("number");
      expect(s.rate).toMatch(/^\d+\.\d{2,5}$/);
      expect(Number(s.rate)).toBeGreaterThan(0);
      expect(s.min).toMatch(/^\d+$/);
      expect(s.max).toMatch(/^\d+$/);
      expect(Number(s.min)).toBeLessThanOrEqual(Number(s.max));
      for (const flag of [s.refill, s.cancel, s.dripfeed]) expect(typeof flag).toBe("boolean");
      if (s.dripfeed) expect(s.type).toBe("Default");
      if (s.type === "Package") expect([s.min, s.max]).toEqual(["1", "1"]);
    }
    expect(services.some((s) => s.refill)).toBe(true);
    expect(services.some((s) => s.cancel)).toBe(true);
    expect(services.some((s) => s.dripfeed)).toBe(true);
  });

  it("has unique ids with gaps, like a real panel", async () => {
    const ids: number[] = (await provider().call("services")).map((s: any) => s.service);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBeGreaterThan(ids.length);
  });

  it("is the same catalogue on every start", async () => {
    const first = await provider().call("services");
    const other = await startSimProvider();
    try {
      expect(await post(other.url, { key: other.apiKey, action: "services" })).toEqual(first);
    } finally {
      await other.close();
    }
  });

  it("reflects services removed, repriced and added at runtime", async () => {
    const { sim } = provider();
    const [first, second] = sim.listServices();
    assert(first && second);
    sim.removeService(first.service);
    sim.setRate(second.service, "2.34567");
    const added = sim.addService({ name: "Test Followers", category: "Test", rate: "0.5", min: 5, max: 50, refill: true });
    const services: any[] = await provider().call("services");
    expect(services.find((s) => s.service === first.service)).toBeUndefined();
    expect(services.find((s) => s.service === second.service).rate).toBe("2.34567");
    expect(services.find((s) => s.service === added.service)).toEqual({
      service: added.service,
      name: "Test Followers",
      type: "Default",
      category: "Test",
      rate: "0.50",
      min: "5",
      max: "50",
      refill: true,
      cancel: false,
      dripfeed: false,
    });
  });

  it("refuses a rate with more than 5 decimals", () => {
    const { sim } = provider();
    const [first] = sim.listServices();
    assert(first);
    expect(() => sim.setRate(first.service, "0.123456")).toThrow(/Incorrect rate/);
  });

  it("answers the catalogue without a trailing-slash difference and to GET with a query string", async () => {
    const { url, apiKey } = provider();
    const viaSlash = await post(`${url}/`, { key: apiKey, action: "services" });
    const viaGet: any = await (await fetch(`${url}?key=${apiKey}&action=services`)).json();
    expect(viaSlash.length).toBe(viaGet.length);
  });
});
