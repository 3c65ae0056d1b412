import { BlockList, isIP } from "node:net";

/** A set of addresses and CIDR ranges ("10.0.0.0/8", "::1", "192.168.1.4"). */
export function addressList(entries: readonly string[]): { has(ip: string): boolean; invalid: string[] } {
  const list = new BlockList();
  const invalid: string[] = [];
  for (const raw of entries) {
    const [addr, bits] = raw.trim().split("/");
    const family = isIP(addr ?? "");
    if (!addr || !family) {
      invalid.push(raw);
      continue;
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(addr, type);
    else {
      const n = Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > (family === 6 ? 128 : 32)) invalid.push(raw);
      else list.addSubnet(addr, n, type);
    }
  }
  return {
    invalid,
    has(ip: string) {
      const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
      const family = isIP(plain);
      if (!family) return false;
      return list.check(plain, family === 6 ? "ipv6" : "ipv4");
    },
  };
}

export function normalizeIp(ip: string): string {
  return ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
