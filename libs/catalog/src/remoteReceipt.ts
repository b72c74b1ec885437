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
  const text = mode.replace(/\s+/g, "");
  if (text.includes("仍需现场办理")) return false;
  if (/代收|代办|多地联办/.test(text)) return true;
  return /邮政寄递|寄递|邮寄/.test(text) && /网上预审|网上申请/.test(text);
}
