import { describe, expect, it } from "vitest";
import { readAnswer } from "../../src/providers/client.ts";
import { ProviderError } from "../../src/providers/errors.ts";
import { mapOrderStatus, mapRefillStatus, parseProviderAmount, parseRemains, readOrderState, readProviderService } from "../../src/providers/wire.ts";

function kindOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof ProviderError) return err.kind;
    throw err;
  }
  return "ok";
}

describe("reading provider answers", () => {
  it("reads order statuses case-insensitively, in both spellings of canceled", () => {
    const cases: [string, string][] = [
      ["Pending", "pending"],
      ["In progress", "in_progress"],
      ["IN_PROGRESS", "in_progress"],
      ["processing", "processing"],
      ["Completed", "completed"],
      ["PARTIAL", "partial"],
      ["Canceled", "canceled"],
      ["Cancelled", "canceled"],
      [" cancelled ", "canceled"],
      ["Refunded", "canceled"],
    ];
    for (const [wire, ours] of cases) expect(mapOrderStatus(wire), wire).toBe(ours);
    expect(mapOrderStatus("Exploded")).toBeNull();
    expect(mapRefillStatus("In Progress")).toBe("in_progress");
    expect(mapRefillStatus("Rejected")).toBe("rejected");
  });

  it("reads subscription states: Active and Paused stay open, Expired ends by what remains", () => {
    expect(readOrderState({ status: "Active", remains: "600" })?.status).toBe("in_progress");
    expect(readOrderState({ status: "paused" })?.status).toBe("in_progress");
    expect(readOrderState({ status: "Expired", remains: "400" })).toMatchObject({ status: "partial", remains: 400 });
    expect(readOrderState({ status: "Expired", remains: "0" })).toMatchObject({ status: "completed", remains: 0 });
    // Without remains nothing can be refunded safely: a Partial without remains, checked by hand.
    expect(readOrderState({ status: "EXPIRED" })).toMatchObject({ status: "partial", remains: null });
    expect(readOrderState({ status: "Cancelled", remains: "1000" })?.status).toBe("canceled");
  });

  it("treats negative and +N remains as over-delivery: nothing remains, nothing to refund", () => {
    expect(parseRemains("120")).toEqual({ remains: 120, overDelivered: false });
    expect(parseRemains(0)).toEqual({ remains: 0, overDelivered: false });
    expect(parseRemains("-15")).toEqual({ remains: 0, overDelivered: true });
    expect(parseRemains("+15")).toEqual({ remains: 0, overDelivered: true });
    expect(parseRemains("lots")).toBeNull();
    expect(readOrderState({ status: "Partial", remains: "+3", start_count: "100", charge: "0.27819", currency: "USD" })).toEqual({
      status: "partial",
      remains: 0,
      overDelivered: true,
      startCount: 100,
      charge: 278_190,
      currency: "USD",
    });
  });

  it("reads amounts with more than six decimals, rounded half-up", () => {
    expect(parseProviderAmount("0.27819")).toBe(278_190);
    expect(parseProviderAmount("1.2345675")).toBe(1_234_568);
    expect(parseProviderAmount(0.9)).toBe(900_000);
    expect(parseProviderAmount("1e-5")).toBe(10);
    expect(parseProviderAmount("free")).toBeNull();
  });

  it("skips catalogue entries without an id or a name, and keeps a missing price for the sync to report", () => {
    expect(
      readProviderService({
        service: 1,
        name: "Likes",
        rate: "0.5",
        min: "10",
        max: "100",
        category: "Instagram Likes",
        type: "Default",
        refill: true,
        cancel: "0",
        dripfeed: 1,
      }),
    ).toMatchObject({ service: "1", rate: 500_000, min: 10, max: 100, refill: true, cancel: false, dripfeed: true });
    expect(readProviderService({ name: "No id", rate: "1" })).toBeNull();
    expect(readProviderService({ service: 2, name: "Free", rate: "0.00" })).toMatchObject({ service: "2", rate: 0 });
    expect(readProviderService({ service: 4, name: "Unreadable", rate: "ask us" })).toMatchObject({ service: "4", rate: null });
    expect(readProviderService({ service: 3, name: "Bounds", rate: "1", min: "50", max: "10" })).toMatchObject({ min: 50, max: 50 });
  });

  it("decodes HTML entities in names once and normalises known types case-insensitively", () => {
    const s = readProviderService({
      service: 5,
      name: "Likes &amp; Views &#8211; &amp;amp; HQ",
      category: "Instagram &amp; Co",
      rate: "1",
      type: "mentions WITH hashtags",
    });
    expect(s).toMatchObject({ name: "Likes & Views – &amp; HQ", category: "Instagram & Co", type: "Mentions with Hashtags" });
    expect(readProviderService({ service: 6, name: "x", rate: "1", type: "default" })?.type).toBe("Default");
    expect(readProviderService({ service: 7, name: "x", rate: "1", type: "custom_comments" })?.type).toBe("Custom Comments");
    expect(readProviderService({ service: 8, name: "x", rate: "1", type: "Comment Replies" })?.type).toBe("Comment Replies");
  });

  it("classifies HTTP answers by one question: may the panel have acted?", () => {
    const cf = (status: number) => `<html><title>Error ${status} | Cloudflare</title></html>`;
    const table: [number, string, string][] = [
      [200, '{"error":"Incorrect service ID"}', "definite"],
      [500, '{"error":"Incorrect link"}', "definite"],
      [200, '{"error":"Some text nobody classified"}', "definite"],
      [200, '{"error":"Not enough funds on balance"}', "blocked"],
      [200, '{"error":"Invalid API key"}', "blocked"],
      [200, '{"error":"Too many requests"}', "blocked"],
      [200, '{"error":"API is under maintenance"}', "blocked"],
      [500, "<html>oops</html>", "unknown"],
      [503, '{"status":"down"}', "unknown"],
      [504, "", "unknown"],
      [520, cf(520), "unknown"],
      [524, cf(524), "unknown"],
      [502, "<center>nginx</center>", "unknown"],
      [502, cf(502), "transient"],
      [521, cf(521), "transient"],
      [522, cf(522), "transient"],
      [523, cf(523), "transient"],
      [429, "", "transient"],
      [404, "Not Found", "definite"],
      [401, "", "blocked"],
      [302, "", "blocked"],
      [303, "", "unknown"],
      [200, "<html>", "unknown"],
      [200, "", "unknown"],
    ];
    for (const [status, text, kind] of table) expect([status, text, kindOf(() => readAnswer("add", status, text))]).toEqual([status, text, kind]);
    expect(readAnswer("add", 200, '{"order": 1001}')).toEqual({ order: 1001 });
  });
});
