import { Hono, type Context } from "hono";
import { z } from "zod";
import { SERVICE_TYPES, toWireService } from "./catalog.ts";
import type { SimControl } from "./control.ts";
import { SimError } from "./errors.ts";
import { faultSpecSchema, SIM_ACTIONS } from "./faults.ts";
import { CATALOGUE_STYLES } from "./listings.ts";
import { OUTCOME_STATUSES } from "./progress.ts";
import { BATCH_STATUS_MODES, REFILL_STATUSES } from "./state.ts";

const rate = z.union([z.string(), z.number()]);
const serviceFields = {
  name: z.string().min(1),
  type: z.enum(SERVICE_TYPES),
  category: z.string().min(1),
  rate,
  min: z.number().int().min(1),
  max: z.number().int().min(1),
  refill: z.boolean(),
  cancel: z.boolean(),
  dripfeed: z.boolean(),
};
const newServiceSchema = z
  .object({ ...serviceFields, service: z.number().int().min(1) })
  .partial()
  .required({ name: true, rate: true });
const servicePatchSchema = z.object(serviceFields).partial();
const outcomeSchema = z.object({ status: z.enum(OUTCOME_STATUSES), remains: z.number().int().min(0).optional() });

async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw new SimError(z.prettifyError(parsed.error));
  return parsed.data;
}

function idParam(c: Context): number {
  const id = Number(c.req.param("id"));
  if (!Number.isInteger(id)) throw new SimError("Incorrect ID");
  return id;
}

/** `/__sim/*`: drives a separately-run simulator (faults, clock, outcomes, catalogue) over HTTP. */
export function createAdminApp(sim: SimControl): Hono {
  const admin = new Hono();

  admin.get("/faults", (c) => c.json(sim.listFaults()));
  admin.post("/faults", async (c) => c.json({ id: sim.setFault(await body(c, faultSpecSchema)) }, 201));
  admin.delete("/faults", (c) => {
    const action = z
      .enum(SIM_ACTIONS)
      .optional()
      .safeParse(c.req.query("action") || undefined);
    if (!action.success) throw new SimError("Unknown action");
    return c.json({ cleared: sim.clearFaults(action.data) });
  });

  admin.post("/advance", async (c) => {
    const { ms } = await body(c, z.object({ ms: z.number().min(0) }));
    return c.json({ now: sim.advance(ms) });
  });

  // Every order the panel took, in id order: how a test proves that no order reached it twice.
  admin.get("/orders", (c) => c.json(sim.orderIds().map((id) => sim.getOrder(id))));
  admin.get("/orders/:id", (c) => {
    const order = sim.getOrder(idParam(c));
    return order ? c.json(order) : c.json({ error: "Incorrect order ID" }, 404);
  });
  // Orders placed as `count` add calls would place them (links `<link>0`, `<link>1`…), in one request: a bench's set-up.
  admin.post("/orders", async (c) => {
    const { service, link, quantity, count } = await body(
      c,
      z.object({ service: z.number().int().min(1), link: z.string().min(1), quantity: z.number().int().min(1), count: z.number().int().min(1).max(1_000_000) }),
    );
    const orders = Array.from({ length: count }, (_, i) => sim.placeOrder({ service: String(service), link: `${link}${i}`, quantity: String(quantity) }));
    return c.json({ orders }, 201);
  });
  admin.post("/orders/:id/outcome", async (c) => {
    const id = idParam(c);
    sim.setOrderOutcome(id, await body(c, outcomeSchema));
    return c.json(sim.getOrder(id));
  });
  admin.post("/refills/:id/status", async (c) => {
    const { status } = await body(c, z.object({ status: z.enum(REFILL_STATUSES) }));
    sim.setRefillStatus(idParam(c), status);
    return c.json({ status });
  });
  admin.post("/status-batch", async (c) => {
    const { mode } = await body(c, z.object({ mode: z.enum(BATCH_STATUS_MODES) }));
    sim.setBatchStatusMode(mode);
    return c.json({ mode });
  });
  admin.post("/outcome-shares", async (c) => {
    sim.setOutcomeShares(await body(c, z.object({ partial: z.number().min(0), canceled: z.number().min(0) })));
    return c.json({ ok: true });
  });

  admin.post("/balance", async (c) => {
    const { balance } = await body(c, z.object({ balance: rate }));
    return c.json({ balance: sim.setBalance(balance), currency: sim.currency() });
  });
  admin.post("/currency", async (c) => {
    const { currency } = await body(c, z.object({ currency: z.string().regex(/^[A-Z]{3}$/) }));
    sim.setCurrency(currency);
    return c.json({ currency });
  });
  admin.post("/catalogue-style", async (c) => {
    const { style } = await body(c, z.object({ style: z.enum(CATALOGUE_STYLES) }));
    sim.setCatalogueStyle(style);
    return c.json({ style });
  });
  admin.put("/services/:id/listing", async (c) => {
    const id = idParam(c);
    sim.setListing(id, await body(c, z.record(z.string(), z.unknown()).nullable()));
    return c.json({ listing: sim.listings().find((l) => (l as { service: number }).service === id) });
  });

  admin.post("/services", async (c) => c.json(toWireService(sim.addService(await body(c, newServiceSchema))), 201));
  admin.patch("/services/:id", async (c) => {
    const id = idParam(c);
    return c.json(toWireService(sim.updateService(id, await body(c, servicePatchSchema))));
  });
  admin.delete("/services/:id", (c) => c.json({ removed: sim.removeService(idParam(c)) }));

  admin.onError((err, c) => {
    if (err instanceof SimError) return c.json({ error: err.message }, 400);
    console.error("provider-sim admin:", err);
    return c.text("Internal Server Error", 500);
  });
  return admin;
}
