import { originOf } from "../http/csrf.ts";
import { hostnameOf } from "../tenancy/resolve.ts";

/** What a Host header says: its hostname (null when it is none) and the origin it names over http and https. */
interface HostFacts {
  hostname: string | null;
  httpOrigin: string | null;
  httpsOrigin: string | null;
}

// Pure functions of the header, the same for every app: worked out once per distinct header, not per request.
// Bounded, since a client may send any Host: past the bound the memo starts over.
const MAX_HOSTS = 1_000;
const memo = new Map<string, HostFacts>();

export function hostFacts(hostHeader: string): HostFacts {
  let facts = memo.get(hostHeader);
  if (!facts) {
    facts = { hostname: hostnameOf(hostHeader), httpOrigin: originOf(false, hostHeader), httpsOrigin: originOf(true, hostHeader) };
    if (memo.size >= MAX_HOSTS) memo.clear();
    memo.set(hostHeader, facts);
  }
  return facts;
}
