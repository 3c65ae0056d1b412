import { createFaultBoard, type FaultBoard } from "./faults.ts";
import { createSimState, type SimState, type SimStateOptions } from "./state.ts";

/** Everything a test or operator can do to the simulated panel: its state plus its injected faults. */
export type SimControl = SimState & FaultBoard;

export function createSimControl(options: SimStateOptions = {}): SimControl {
  return { ...createSimState(options), ...createFaultBoard() };
}
