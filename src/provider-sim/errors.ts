/** A refusal the simulated panel answers as `{"error": message}` with HTTP 200, like real panels. */
export class SimError extends Error {
  override name = "SimError";
}
