import type { Bilingual } from "./bilingual";
import type { SuspensionKind } from "./suspensionKinds";

/** Display names of the suspension procedures (中止事由). */
export const suspensionKindLabels: Readonly<Record<SuspensionKind, Bilingual>> = {
  hearing: { zh: "听证", en: "hearing" },
  testing: { zh: "检验检测", en: "testing" },
  appraisal: { zh: "鉴定", en: "appraisal" },
  expert_review: { zh: "专家评审", en: "expert review" },
};
