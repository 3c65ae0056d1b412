import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** The format's version, first in every sealed value, so a value without it is known to be plain. */
const V1 = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a fresh IV: `v1:` + base64url(iv | tag | ciphertext). `key` is 32 bytes. */
export function sealSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return V1 + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

/** The plain text of a sealed value; throws when it is not one or was sealed with another key (or altered). */
export function openSecret(sealed: string, key: Buffer): string {
  if (!sealed.startsWith(V1)) throw new Error("not a sealed secret");
  const raw = Buffer.from(sealed.slice(V1.length), "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("not a sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}
