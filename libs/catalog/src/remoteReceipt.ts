/**
 * Whether an item can be taken in at a window in one city and handled by its home authority
 * in another (异地代收 under 收受分离), judged from the item's 实现形式 as written.
 *
 * The rule, in order:
 * 1. 仍需现场办理 → false: the applicant must still appear before the home authority.
 * 2. 代收 or 代办 (异地代收代办, 异地代办, also 全程网办 combined with 代收/代办) or 多地联办
 *    → true: the mode itself names a receiving office acting for the home one.
 * 3. Mail-based remote handling (邮政寄递, 寄递, 邮寄) together with 网上预审 or 网上申请 → true:
 *    materials are pre-reviewed online and sent by post, which is the 收受分离 path.
 * 4. Anything else → false. This covers purely online handling (全程网办, 网上申请办理, 互联网渠道自助办理)
 *    where there is nothing to receive; 全国无差别办理, where any office is itself competent and
 *    nothing is forwarded; and "按照…统一部署安排", where the mode is not yet fixed.
 *
 * Whitespace is ignored because the source text was extracted from a PDF.
 */
export function isRemoteReceiptEligible(mode: string): boolean {
  return remoteReceiptRule(mode).eligible;
}

/** The same decision with the rule that made it, "中文 / English", for window systems to show. */
export function remoteReceiptRule(mode: string): { eligible: boolean; reason: string } {
  const text = mode.replace(/\s+/g, "");
  if (text.includes("仍需现场办理"))
    return { eligible: false, reason: "实现形式要求申请人仍需现场办理 / the mode still requires the applicant in person" };
  if (/代收|代办|多地联办/.test(text))
    return {
      eligible: true,
      reason: "实现形式为异地代收代办或多地联办 / the mode names a receiving office acting for the home one",
    };
  if (/邮政寄递|寄递|邮寄/.test(text) && /网上预审|网上申请/.test(text))
    return {
      eligible: true,
      reason: "网上预审或申请，材料邮政寄递（收受分离） / reviewed or applied for online, materials sent by post",
    };
  return {
    eligible: false,
    reason:
      "全程网办、全国无差别办理或尚未确定的实现形式，无需异地收件 / fully online, handled anywhere, or not yet fixed: nothing to take in for another city",
  };
}
