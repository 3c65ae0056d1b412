import { fieldError } from "../core/errors.ts";
import { isWholeMinor, minorDecimals, type Micro } from "../money/money.ts";

/**
 * Refuses (422 naming `field`) an amount someone typed that is not a whole minor unit of the booking
 * currency: 10000.5 XOF or 12.345 EUR is never rounded into a balance.
 */
export function requireWholeMinor(amount: Micro, currency: string, field = "amount"): void {
  if (isWholeMinor(amount, currency)) return;
  const decimals = minorDecimals(currency);
  throw fieldError(
    field,
    decimals === 0 ? `The amount must be a whole number of ${currency}, without decimals` : `The amount may have at most ${decimals} decimals in ${currency}`,
  );
}
