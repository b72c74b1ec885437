/**
 * Whether the home authority may accept a case of an item on the verified electronic copies of
 * its materials before the mailed paper arrives (网上预审受理), judged from the item's 实现形式:
 *
 * - 网上预审 (online pre-review, with the paper sent by post) or 全程网办 (handled wholly online)
 *   → true: the mode itself has the authority work on electronic materials.
 * - anything else (异地代收代办, 异地代办, 多地联办 alone, 现场办理, …) → false: acceptance waits for
 *   the paper to be signed for (材料签收).
 *
 * Whitespace is ignored because the source text was extracted from a PDF.
 */
export function preReviewRule(mode: string): { allowed: boolean; reason: string } {
  const text = mode.replace(/\s+/g, "");
  if (/网上预审|全程网办/.test(text))
    return {
      allowed: true,
      reason:
        "实现形式含网上预审或全程网办，可凭核验通过的电子材料受理 / the mode has online pre-review or fully online handling: verified scans suffice to accept",
    };
  return {
    allowed: false,
    reason: "实现形式不含网上预审，须签收纸质材料后受理 / the mode has no online pre-review: acceptance waits for the signed-for paper",
  };
}

export function isPreReviewAllowed(mode: string): boolean {
  return preReviewRule(mode).allowed;
}
