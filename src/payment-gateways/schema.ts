import { z } from "zod";
import { positiveId } from "../core/validate.ts";
import { moneyInput } from "../wallet/schema.ts";

/** `POST /api/deposits/gateway`: the amount to pay at one of the tenant's gateways. */
export const startGatewayBody = z.object({
  gateway_account_id: positiveId("Unknown payment gateway"),
  amount: moneyInput().refine((m) => m > 0, "The amount must be greater than zero"),
});
