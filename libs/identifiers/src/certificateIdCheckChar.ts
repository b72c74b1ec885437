const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const M = 36;

/**
 * Check character of an electronic certificate identifier (电子证照标识, GB/T 36904):
 * ISO/IEC 7064 hybrid system MOD 37,36 over the alphabet `0-9A-Z` (values 0–35).
 *
 * `body` is the identifier without its check character; dots are ignored, so both
 * `1.2.156.3005.2.<type>.<issuer>.<serial>.<version>` and the dot-free concatenation give
 * the same result. Lower-case letters are treated as upper case.
 *
 * @throws RangeError when `body` is empty or contains other characters.
 */
export function certificateIdCheckChar(body: string): string {
  const chars = body.replaceAll(".", "").toUpperCase();
  if (chars.length === 0) {
    throw new RangeError("校验字符的计算内容为空 / nothing to compute the check character over");
  }
  let p = M;
  for (const ch of chars) {
    const value = ALPHABET.indexOf(ch);
    if (value < 0) {
      throw new RangeError(`非法字符：${ch} / character not allowed: ${ch}`);
    }
    let s = (p + value) % M;
    if (s === 0) s = M;
    p = (s * 2) % (M + 1);
  }
  return ALPHABET.charAt((M + 1 - p) % M);
}
