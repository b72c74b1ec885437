/**
 * The five levels of the government-service rating (政务服务好差评), best first:
 * 非常满意, 满意, 基本满意, 不满意, 非常不满意.
 */
export const ratingLevels = ["VERY_SATISFIED", "SATISFIED", "BASICALLY_SATISFIED", "DISSATISFIED", "VERY_DISSATISFIED"] as const;

export type RatingLevel = (typeof ratingLevels)[number];
