import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";

/** RFC 6238 TOTP as authenticator apps expect it: HMAC-SHA1, 30-second steps, 6 digits. */
const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;
/** Steps accepted either side of now: phones whose clock is a little off still work. */
const WINDOW = 1;

/** A new shared secret: 20 random bytes (RFC 4226's recommended length) in base32, as apps read it. */
export function newTotpSecret(): string {
  return encodeBase32UpperCaseNoPadding(randomBytes(20));
}

/** The time step (RFC 6238's T) of an instant. */
function timeStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/** RFC 4226 HOTP of one counter value: dynamic truncation of HMAC-SHA1, 6 digits. */
export function hotp(secret: Uint8Array, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** DIGITS).padStart(DIGITS, "0");
}

/** The code an app shows for `secret` (base32) at `at`. */
export function totpAt(secret: string, at: Date): string {
  return hotp(decodeBase32IgnorePadding(secret), timeStep(at));
}

/**
 * The time step `code` belongs to, within one step of `at`, or null. The caller refuses a step it
 * has already seen, so each code is accepted once.
 */
export function matchingStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = decodeBase32IgnorePadding(secret);
  const now = timeStep(at);
  let found: number | null = null;
  // Every candidate is computed and compared in constant time, whichever matches.
  for (let step = now - WINDOW; step <= now + WINDOW; step++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code)) && found === null) found = step;
  }
  return found;
}

/** The otpauth:// URI that authenticator apps read (Google Authenticator's Key Uri Format). */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer.replace(/:/g, ""))}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: String(DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, "%20")}`;
}
