import { type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { MAX_VIOLATIONS_REPORTED } from "@tongban/bounds";
import { fieldViolationsOf } from "@tongban/rpc";

/** Characters no name or free text may hold: NUL, other C0/C1 controls, bidi controls, a lone surrogate, noncharacters. */
export const evilChars = [
  "\u0000",
  "\u0007",
  "\u001b",
  "\u0085",
  "\u202E",
  "\u202A",
  "\u2066",
  "\u200F",
  "\u061C",
  "\uD800",
  "\uDFFF",
  "\uFFFE",
  "\uFFFF",
];

/**
 * Strings a careless or hostile client sends: any code points (lone surrogates included), text
 * with a forbidden character spliced in, far too long text (ASCII or Chinese), blanks.
 */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...evilChars), fc.string({ maxLength: 10 })).map(([a, e, b]) => a + e + b),
  fc.tuple(fc.integer({ min: 65, max: 20_000 }), fc.constantFrom("x", "陈", "😀")).map(([n, c]) => c.repeat(n)),
  fc.constantFrom("", " ", "\t", "\n"),
);

/** Codes a clear answer may carry; UNKNOWN and INTERNAL mean the server did not understand its own failure. */
export const clearCodes = new Set([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.FAILED_PRECONDITION,
  status.ALREADY_EXISTS,
  status.RESOURCE_EXHAUSTED,
]);

/**
 * Asserts that a call either succeeded (the input was valid after all) or failed clearly: a code
 * from `clearCodes` (or `alsoClear`, e.g. PERMISSION_DENIED where the caller asks for what is not
 * theirs) with a bilingual message, and for INVALID_ARGUMENT between one and the reported maximum
 * of field violations. Returns the call's result when it succeeded.
 */
export async function clearAnswer<T>(
  call: Promise<T>,
  alsoClear: readonly status[] = [],
): Promise<{ ok: true; value: T } | { ok: false; err: ServiceError }> {
  try {
    return { ok: true, value: await call };
  } catch (e) {
    const err = e as ServiceError;
    if (!clearCodes.has(err.code) && !alsoClear.includes(err.code)) {
      throw new Error(`unclear answer ${status[err.code] ?? err.code}: ${err.details}`);
    }
    if (err.code === status.RESOURCE_EXHAUSTED) return { ok: false, err };
    if (!err.details.includes(" / ")) throw new Error(`answer without a bilingual message: ${err.details}`);
    if (err.code === status.INVALID_ARGUMENT) {
      const v = fieldViolationsOf(err);
      if (v.length < 1 || v.length > MAX_VIOLATIONS_REPORTED + 1) throw new Error(`INVALID_ARGUMENT with ${v.length} field violations`);
    }
    return { ok: false, err };
  }
}
