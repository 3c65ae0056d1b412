import { lookup } from "node:dns";
import { Resolver } from "node:dns/promises";
import type { LookupFunction } from "node:net";

/** The DNS an app asks: TXT records of custom domains, providers' addresses. Tests give their own, so they need no network. */
export interface Dns {
  resolveTxt(name: string): Promise<string[][]>;
  /** dns.lookup's shape, as node:http takes it. */
  lookup: LookupFunction;
}

export const systemDns: Dns = Object.freeze({
  resolveTxt: (name: string) => new Resolver({ timeout: 3000, tries: 2 }).resolveTxt(name),
  lookup: lookup as LookupFunction,
});
