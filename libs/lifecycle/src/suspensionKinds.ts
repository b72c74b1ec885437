/**
 * Procedures during which the decision clock stops (中止审查, 行政许可法第四十五条):
 * hearing (听证), testing/inspection (检验检测), appraisal (鉴定), expert review (专家评审).
 */
export const suspensionKinds = ["hearing", "testing", "appraisal", "expert_review"] as const;

export type SuspensionKind = (typeof suspensionKinds)[number];
