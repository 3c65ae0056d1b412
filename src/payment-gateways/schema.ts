import { z } from "zod";
import { positiveId } from "../core/validate.ts";
import { moneyInput } from "../wallet/schema.ts";
import { pageQuery } from "../core/pagination.ts";
import { percentBp } from "../staff/finance/schema.ts";

/** `POST /api/deposits/gateway`: the amount to pay at one of the tenant's gateways. */
export const startGatewayBody = z.object({
  gateway_account_id: positiveId("Unknown payment gateway"),
  amount: moneyInput().refine((m) => m > 0, "The amount must be greater than zero"),
});

const accountName = z.string({ error: "The display name is required" }).trim().min(1, "The display name is required").max(100, "At most 100 characters");
const accountMode = z.enum(["live", "simulated"], { error: 'One of: "live", "simulated"' });
const accountCurrency = z
  .string({ error: "A currency code" })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "A three-letter currency code (XOF)");
/** Credentials as typed: each a text; a blank one keeps the stored value when editing. */
const credentialTexts = z.record(z.string(), z.string().max(200, "At most 200 characters"), { error: "The credentials, as an object of texts" });
const activeFlag = z.boolean({ error: "true or false" });

/** `POST /api/white-label/sites/{uuid}/gateway-accounts`: connect the tenant's own account at a gateway. */
export const gatewayAccountCreate = z.object({
  kind: z.string({ error: "The kind of gateway is required" }).trim().min(1, "The kind of gateway is required"),
  name: accountName,
  mode: accountMode.default("live"),
  credentials: credentialTexts.default({}),
  currency: accountCurrency,
  fee_percent: percentBp.default(0),
  is_active: activeFlag.default(true),
});

/** `PUT …/gateway-accounts/{id}`: the same fields, each optional; credentials are write-only, a blank one is kept. */
export const gatewayAccountUpdate = z.object({
  name: accountName.optional(),
  mode: accountMode.optional(),
  credentials: credentialTexts.optional(),
  currency: accountCurrency.optional(),
  fee_percent: percentBp.optional(),
  is_active: activeFlag.optional(),
});

export type GatewayAccountCreate = z.infer<typeof gatewayAccountCreate>;
export type GatewayAccountUpdate = z.infer<typeof gatewayAccountUpdate>;

export const GATEWAY_PAYMENT_STATUSES = ["pending", "succeeded", "failed", "expired", "refunded", "charged_back"] as const;

/** `GET …/gateway-payments`: filter by status, search by payment uuid (or its start) or the customer's name or e-mail. */
export const gatewayPaymentsQuery = z.object({
  ...pageQuery,
  status: z.enum(GATEWAY_PAYMENT_STATUSES, { error: `One of: ${GATEWAY_PAYMENT_STATUSES.join(", ")}` }).optional(),
  search: z.string().trim().min(1, "At least 1 character").max(100, "At most 100 characters").optional(),
});
export type GatewayPaymentsQuery = z.infer<typeof gatewayPaymentsQuery>;
