import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Secrets kept at rest (TOTP secrets, provider keys) sealed with AES-256-GCM under the
 * DATA_ENCRYPTION_KEY. The sealed text is `v1:<base64url(iv ‖ ciphertext ‖ tag)>`: the prefix names
 * the scheme so that a later key or cipher can be told apart from this one.
 */
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key from its configured text: 64 hex digits or base64 (standard or url-safe) of 32 bytes; null otherwise. */
export function parseDataKey(text: string): Buffer | null {
  const s = text.trim();
  if (/^[0-9a-f]{64}$/i.test(s)) return Buffer.from(s, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) return null;
  const key = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return key.length === 32 ? key : null;
}

/** The development key: fixed and public, so only for the embedded default (production must configure its own). */
export function developmentDataKey(): Buffer {
  return createHash("sha256").update("izyboost development data key - never in production", "utf8").digest();
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new Error("the data encryption key must be 32 bytes");
}

/** Seals `plain`; `context` (e.g. "totp:42") is authenticated too, so a sealed value cannot be moved to another row. */
export function sealSecret(plain: string, key: Uint8Array, context = ""): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
}

/** Opens what sealSecret made with the same key and context; throws on any other key, context, version or tampering. */
export function openSecret(sealed: string, key: Uint8Array, context = ""): string {
  checkKey(key);
  const [version, payload] = sealed.split(":", 2);
  if (version !== VERSION || !payload) throw new Error("unknown sealed secret format");
  const raw = Buffer.from(payload, "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed secret too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}
