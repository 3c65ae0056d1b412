import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "../../src/lib/secret-box.ts";

describe("sealed secrets (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("open to what was sealed, carry a version prefix, and differ each time for the same secret", () => {
    const a = sealSecret("JBSWY3DPEHPK3PXP", key, "totp:1");
    const b = sealSecret("JBSWY3DPEHPK3PXP", key, "totp:1");
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("JBSWY3DPEHPK3PXP");
    expect(openSecret(a, key, "totp:1")).toBe("JBSWY3DPEHPK3PXP");
  });

  it("refuse another key, another context, an unknown version or a changed byte", () => {
    const sealed = sealSecret("provider-key-123", key, "provider:4");
    expect(() => openSecret(sealed, randomBytes(32), "provider:4")).toThrow();
    expect(() => openSecret(sealed, key, "provider:5")).toThrow();
    expect(() => openSecret(sealed.replace(/^v1:/, "v2:"), key, "provider:4")).toThrow(/format/);
    const raw = Buffer.from(sealed.slice(3), "base64url");
    raw[14] = (raw[14] ?? 0) ^ 1;
    expect(() => openSecret(`v1:${raw.toString("base64url")}`, key, "provider:4")).toThrow();
    expect(() => sealSecret("x", randomBytes(16))).toThrow(/32 bytes/);
  });
});
