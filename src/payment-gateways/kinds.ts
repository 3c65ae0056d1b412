import type { z } from "zod";
import type { GatewayKind } from "../db/schema.ts";
import { cinetpayCredentials } from "./cinetpay.ts";
import { fedapayCredentials } from "./fedapay.ts";

/**
 * The credentials each kind of gateway takes, in the order a form asks for them: the one place a new
 * adapter adds its kind for the account pages and API (its names are GATEWAY_NAMES, its notifications GATEWAY_KINDS).
 */
export const GATEWAY_CREDENTIALS: Partial<Record<GatewayKind, z.ZodObject>> = {
  cinetpay: cinetpayCredentials,
  fedapay: fedapayCredentials,
};

/** The kinds an account may be connected with: those whose credentials we know how to ask for. */
export const connectableKinds = (): GatewayKind[] => Object.keys(GATEWAY_CREDENTIALS) as GatewayKind[];

/** A credentials form's field names for a kind. */
export const credentialFields = (kind: GatewayKind): string[] => Object.keys(GATEWAY_CREDENTIALS[kind]?.shape ?? {});
