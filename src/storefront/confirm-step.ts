/**
 * The confirmation step of every money action a person takes on a page (order, site purchase,
 * deposit approval): what will move, then Confirm (posts `confirm=yes`) or Back (`confirm=edit`,
 * the form again with what was typed). The posted fields travel as hidden inputs, with the
 * idempotency key of the form they came from, so a double submit acts once. No JavaScript needed.
 */
export interface ConfirmStepView {
  title: string;
  text?: string | null;
  rows: { label: string; value: string; strong?: boolean }[];
  action: string;
  hidden: { name: string; value: string }[];
  confirmLabel: string;
  backLabel: string;
}

/** The fields to post again from the confirmation step (the CSRF token and the step's own choice apart). */
export function hiddenFields(fields: Record<string, string>): ConfirmStepView["hidden"] {
  return Object.entries(fields)
    .filter(([name]) => name !== "_csrf" && name !== "confirm")
    .map(([name, value]) => ({ name, value }));
}
