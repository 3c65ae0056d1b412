import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { insertOrderRow, offlineService } from "../harness/rows.ts";
import { describeEachDialect, makePlatform, signUpAdmin, type TestPlatform } from "../harness/platform.ts";

const ROWS = 100_000;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;
const BATCH = 1000;

describeEachDialect("exports: a large table streams in bounded memory", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("exports 100,000 orders with every row once, what stays in memory growing by less than 8 MB while the stream is read", async () => {
    const admin = await signUpAdmin(p);
    const svc = await offlineService(p);
    const first = await insertOrderRow(p, admin.user.id, { service_id: svc.serviceId, provider_id: svc.providerId });
    // Bulk rows: one multi-row insert per thousand, in one transaction.
    await p.services.db.transaction().execute(async (tx) => {
      for (let b = 0; b < (ROWS - 1) / BATCH; b++) {
        const rows = [];
        for (let i = 0; i < BATCH && b * BATCH + i < ROWS - 1; i++) {
          const n = b * BATCH + i + 1;
          rows.push({
            uuid: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
            user_id: admin.user.id,
            service_id: svc.serviceId,
            provider_id: svc.providerId,
            link: `https://instagram.com/p/${n}`,
            quantity: 1000,
            rate: 1_000_000,
            charge: n * 1_000_000 + 500_000,
            currency: "XOF",
            status: "completed" as const,
            created_at: "2026-06-01 10:00:00.000",
            updated_at: "2026-06-01 10:00:00.000",
          });
        }
        await tx.insertInto("orders").values(rows).execute();
      }
    });

    // What stays reachable, not the garbage a collection has yet to take: measured after a full collection.
    const retained = () => {
      collectGarbage();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = retained();
    const res = await p.request("/api/admin/exports/orders.csv", { token: admin.token });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let chunks = 0;
    let peak = 0;
    let lineCount = 0;
    let tail = "";
    let sample: string | undefined;
    let firstSeen = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = tail + decoder.decode(value, { stream: true });
      const parts = text.split("\r\n");
      tail = parts.pop() ?? "";
      lineCount += parts.length;
      for (const line of parts) {
        if (line.startsWith("00000000-0000-4000-8000-000000050000,")) sample = line;
        if (line.startsWith(`${first.uuid},`)) firstSeen = true;
      }
      if (++chunks % 10 === 0) peak = Math.max(peak, retained() - baseline);
    }
    expect(tail).toBe("");
    // The header and every order.
    expect(lineCount).toBe(ROWS + 1);
    expect(firstSeen).toBe(true);
    expect(sample).toMatch(
      /^00000000-0000-4000-8000-000000050000,2026-06-01T10:00:00\.000Z,[^,]+,[^,]+,\d+,[^,]+,https:\/\/instagram\.com\/p\/50000,1000,50000\.50,0\.00,0\.00,XOF,completed,,web,$/,
    );
    // The whole file would be ~17 MB of text: a stream holds a few chunks at a time.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  }, 600_000);
});
