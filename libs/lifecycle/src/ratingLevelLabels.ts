import type { Bilingual } from "./bilingual";
import type { RatingLevel } from "./ratingLevels";

/** Display names of the rating levels (好差评等级). */
export const ratingLevelLabels: Readonly<Record<RatingLevel, Bilingual>> = {
  VERY_SATISFIED: { zh: "非常满意", en: "Very satisfied" },
  SATISFIED: { zh: "满意", en: "Satisfied" },
  BASICALLY_SATISFIED: { zh: "基本满意", en: "Basically satisfied" },
  DISSATISFIED: { zh: "不满意", en: "Dissatisfied" },
  VERY_DISSATISFIED: { zh: "非常不满意", en: "Very dissatisfied" },
};
