import { afterEach, beforeEach } from "vitest";
import { startSimProvider, type SimProvider, type SimProviderOptions } from "../../src/provider-sim/server.ts";

export const START = Date.UTC(2025, 0, 15, 12, 0, 0);
export const MINUTE = 60_000;

type FieldValue = string | number;

/** POSTs form-encoded fields to the provider like a panel client and returns the parsed JSON answer. */
export async function post(url: string, fields: Record<string, FieldValue>, signal?: AbortSignal): Promise<any> {
  const res = await postRaw(url, fields, signal);
  return res.json();
}

export function postRaw(url: string, fields: Record<string, FieldValue>, signal?: AbortSignal): Promise<Response> {
  const body = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  return fetch(url, { method: "POST", body, signal });
}

export interface SimHarness extends SimProvider {
  /** Calls an action with the right key. */
  call(action: string, fields?: Record<string, FieldValue>): Promise<any>;
}

/** A fresh provider per test on a fixed, stepped clock, closed afterwards. */
export function useSimProvider(opts: SimProviderOptions = {}): () => SimHarness {
  let current: SimHarness | undefined;
  beforeEach(async () => {
    const provider = await startSimProvider({ clock: () => START, ...opts });
    current = { ...provider, call: (action, fields = {}) => post(provider.url, { key: provider.apiKey, action, ...fields }) };
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("the provider starts in beforeEach");
    return current;
  };
}
