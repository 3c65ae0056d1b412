import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 of `data` under `secret`, lower-case hex (CinetPay's x-token, FedaPay's `s=`). */
export function hmacHex(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data, "utf8").digest("hex");
}

/** Compares a received hex signature with the expected one in constant time; any other shape is false. */
export function sameSignature(received: string | null | undefined, expected: string): boolean {
  if (!received || !/^[0-9a-fA-F]+$/.test(received)) return false;
  const a = Buffer.from(received.toLowerCase(), "utf8");
  const b = Buffer.from(expected.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
