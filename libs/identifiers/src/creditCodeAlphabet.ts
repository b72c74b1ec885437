/**
 * The 31 characters allowed in a unified social credit code (GB 32100-2015):
 * digits and upper-case letters without I, O, Z, S and V. The index of a character
 * is its numeric value in the check character computation.
 */
export const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
